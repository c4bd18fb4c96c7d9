// Sphere impostors: a sphere's extent on screen, and a ray hitting it.

// The NDC interval (lo, hi) a sphere covers along one screen axis. a and b are the xyz
// of the rows of the visual-to-clip matrix for that axis and for w; x and w are the
// centre's clip coordinates; r the radius. The bounds X are where the planes x = X w
// touch the sphere: with its dual quadric Q (Q_ij = r^2 a_i.a_j - c_i c_j),
// Q_xx - 2 X Q_xw + X^2 Q_ww = 0, whose discriminant is written here without the
// cancelling (x w)^2 terms: r^2 (|w a - x b|^2 - r^2 |a x b|^2).
vec2 sphere_extent(vec3 a, vec3 b, float x, float w, float r) {
    float r2 = r * r;
    float q_xw = r2 * dot(a, b) - x * w;
    float q_ww = r2 * dot(b, b) - w * w;  // < 0 for a sphere wholly in front of the eye
    vec3 s = w * a - x * b;
    vec3 t = cross(a, b);
    float h = r * sqrt(max(dot(s, s) - r2 * dot(t, t), 0.0));
    vec2 roots = vec2(q_xw - h, q_xw + h) / q_ww;
    return vec2(min(roots.x, roots.y), max(roots.x, roots.y));
}

// The unit ray (origin, dir) against a sphere: .x is the distance to the front surface,
// .y is r^2 minus the squared distance from the centre to the ray (< 0: a miss).
// The closest point is found first, which stays accurate for an origin far away.
vec2 ray_sphere(vec3 origin, vec3 dir, vec3 center, float radius) {
    vec3 oc = origin - center;
    float b = dot(oc, dir);
    vec3 q = oc - b * dir;
    float h = radius * radius - dot(q, q);
    return vec2(-b - sqrt(max(h, 0.0)), h);
}
