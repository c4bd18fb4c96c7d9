// LogTransform.map: log_b(x) = ln(x) / ln(b) per axis. $factor holds 1 / ln(b),
// computed in double precision on the CPU, or 0 for an axis left unchanged.
vec4 log_transform_map(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    vec3 k = $factor;
    if (k.x != 0.0) p.x = log(p.x) * k.x;
    if (k.y != 0.0) p.y = log(p.y) * k.y;
    if (k.z != 0.0) p.z = log(p.z) * k.z;
    return vec4(p, 1.0);
}
