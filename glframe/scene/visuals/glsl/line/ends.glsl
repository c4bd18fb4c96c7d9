// Line ends, for the vertex stage: how a segment ends at one of its endpoints E.
// Everything is in pixels. t_out: unit direction pointing out of the segment at E.
// A join (has_neighbour) shares E with the next segment, which leaves E along t_nb.
//
// The two segments of a join split the plane along the bisector line through E, whose
// normal tb points into the neighbour's half: each segment draws only its own half, so
// no pixel is drawn twice (translucent lines stay even) and none is missed.
//
// kind: 0 butt, 1 square, 2 round (caps); 3 miter, 4 round, 5 bevel (joins).
// geom: (tb.xy, m.xy), m the unit vector from E towards the miter tip.
// bevel: distance from E to the bevel edge along m. ext: how far beyond E the
// segment's quad must reach along t_out (before the antialiasing margin).
vec2 line_direction(vec2 from, vec2 to) {
    vec2 d = to - from;
    float len = length(d);
    return len > 1e-6 ? d / len : vec2(0.0);
}

void line_end(vec2 t_out, bool has_neighbour, vec2 t_nb, float hw, float cap, float join,
              float miter_limit, out vec4 geom, out float kind, out float bevel, out float ext) {
    vec2 n = vec2(-t_out.y, t_out.x);
    if (!has_neighbour) {
        kind = cap;
        geom = vec4(t_out, 0.0, 0.0);
        bevel = 0.0;
        ext = cap > 0.5 ? hw : 0.0;
        return;
    }
    vec2 s = t_out + t_nb;
    vec2 tip = t_out - t_nb;
    vec2 tb = dot(s, s) > 1e-10 ? normalize(s) : n;          // a full turn back: any side
    vec2 m = dot(tip, tip) > 1e-10 ? normalize(tip) : t_out;  // straight on: no tip
    float cos_half = abs(dot(n, m));    // cos of half the turn = sin of half the inner angle
    float sin_half = abs(dot(t_out, m));
    kind = 3.0 + join;
    if (kind < 3.5 && cos_half * miter_limit < 1.0) kind = 5.0;  // over the limit: bevel
    bevel = hw * cos_half;
    ext = kind < 3.5 ? hw * sin_half / max(cos_half, 1e-6) : hw;
    geom = vec4(tb, m);
}
