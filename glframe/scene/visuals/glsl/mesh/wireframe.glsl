// An antialiased wireframe composited over a triangle's colour.
// bary: barycentric coordinates (one vertex of each triangle has (1, 0, 0), the next
// (0, 1, 0), the last (0, 0, 1)); width: line width in framebuffer pixels. Each
// triangle draws half the width on its side of an edge, so a shared edge gets the
// whole width and an edge on a silhouette half of it.
vec4 wireframe_over(vec4 color, vec3 bary, float width, vec4 wire) {
    vec3 pixels = bary / max(fwidth(bary), vec3(1e-6));  // distance to each edge, in pixels
    float d = min(min(pixels.x, pixels.y), pixels.z);
    float cover = clamp(0.5 * width + 0.5 - d, 0.0, 1.0) * wire.a;
    float alpha = cover + color.a * (1.0 - cover);
    vec3 rgb = (wire.rgb * cover + color.rgb * color.a * (1.0 - cover)) / max(alpha, 1e-6);
    return vec4(rgb, alpha);
}
