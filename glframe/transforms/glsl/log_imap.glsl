// LogTransform.imap: b ** x = exp(x * ln(b)) per axis. $factor holds ln(b),
// or 0 for an axis left unchanged.
vec4 log_transform_imap(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    vec3 k = $factor;
    if (k.x != 0.0) p.x = exp(p.x * k.x);
    if (k.y != 0.0) p.y = exp(p.y * k.y);
    if (k.z != 0.0) p.z = exp(p.z * k.z);
    return vec4(p, 1.0);
}
