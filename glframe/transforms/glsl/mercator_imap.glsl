// MercatorTransform.imap: y -> latitude = degrees(atan(sinh(radians(y)))), the inverse
// Gudermannian function. Some drivers' atan is accurate to a few 1e-6 only (Mesa's
// llvmpipe), so one Newton step on sin(t) - s cos(t) = 0 refines it; sin and cos
// are accurate everywhere.
float mercator_latitude(float y) {
    float s = sinh(y);
    float t = atan(s);
    float c = cos(t);
    float n = sin(t);
    return t - (n - s * c) / (c + s * n);
}

vec4 mercator_transform_imap(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    p.y = degrees(mercator_latitude(radians(p.y)));
    return vec4(p, 1.0);
}
