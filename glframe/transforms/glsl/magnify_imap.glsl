// MagnifyTransform.imap: d = d' / (mag - (mag - 1) * d' / radius) inside the
// lens (d' < radius exactly when d < radius); identity outside.
vec4 magnify_transform_imap(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    vec2 d = p.xy - $center;
    float r = length(d);
    if (r < $radius) {
        p.xy = $center + d / ($mag - ($mag - 1.0) * r / $radius);
    }
    return vec4(p, 1.0);
}
