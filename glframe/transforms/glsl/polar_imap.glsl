// PolarTransform.imap: (x, y) -> (atan2(y, x), hypot(x, y)); z passes through.
// Some drivers' atan is accurate to a few 1e-6 only (Mesa's llvmpipe), so one
// Newton step on x sin(t) - y cos(t) = 0 refines the angle (the denominator is r).
vec4 polar_transform_imap(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    float r = length(p.xy);
    float t = atan(p.y, p.x);
    float c = cos(t);
    float s = sin(t);
    if (r > 0.0) {
        t -= (p.x * s - p.y * c) / r;
    }
    return vec4(t, r, p.z, 1.0);
}
