// Clip to a rectangle of the framebuffer, in pixels: $bounds = (x0, y0, x1, y1), y up.
// A fragment hook: vec4 in, vec4 out; fragments outside are discarded.
vec4 clip_rect(vec4 color) {
    vec4 b = $bounds;
    if (gl_FragCoord.x < b.x || gl_FragCoord.x > b.z || gl_FragCoord.y < b.y || gl_FragCoord.y > b.w)
        discard;
    return color;
}
