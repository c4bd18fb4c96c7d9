// Line ends, for the fragment stage: the signed distance (pixels, negative inside) of the
// stroke near the end E of a segment, given the distance `sdf` from its body (|across| - hw).
// q: the fragment's position relative to E; t_out, kind, geom, bevel: see line/ends.glsl.
// A fragment in the neighbour's half of a join gets 1e30 (not this segment's to draw);
// `start` makes the two halves exclusive on the bisector itself.
float line_end_sdf(float sdf, vec2 q, vec2 t_out, float hw, float kind, vec4 geom,
                   float bevel, bool start) {
    float x = dot(q, t_out);
    if (kind < 0.5) return max(sdf, x);                           // butt
    if (kind < 1.5) return max(sdf, x - hw);                      // square
    if (kind < 2.5) return x > 0.0 ? length(q) - hw : sdf;        // round cap
    float side = dot(q, geom.xy);
    if (start ? side >= 0.0 : side > 0.0) return 1e30;            // the neighbour's half
    if (kind < 3.5) return sdf;                                   // miter
    if (kind < 4.5) return x > 0.0 ? length(q) - hw : sdf;        // round join
    return max(sdf, dot(q, geom.zw) - bevel);                     // bevel
}
