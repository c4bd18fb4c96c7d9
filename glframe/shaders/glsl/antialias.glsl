// Antialiasing helpers for shapes drawn in the fragment shader.
// Coverage of the pixel by a shape whose signed distance (negative inside) is d,
// in pixels: 1 well inside, 0 well outside, a one-pixel linear ramp across the edge.
float aa_coverage(float d) {
    return clamp(0.5 - d, 0.0, 1.0);
}

// The same for a distance in any unit: fwidth() gives the size of a pixel in it.
float aa_coverage_scaled(float d) {
    return clamp(0.5 - d / max(fwidth(d), 1e-6), 0.0, 1.0);
}

// A filled shape with an outline: the colour of a pixel at signed distance d (pixels)
// from the edge, for an outline of the given width centred on the edge.
vec4 aa_fill_stroke(float d, vec4 fill, vec4 stroke, float width) {
    float outline = aa_coverage(abs(d) - 0.5 * width);
    float inside = aa_coverage(d);
    vec4 color = mix(fill, stroke, outline);
    return vec4(color.rgb, color.a * max(inside, outline));
}
