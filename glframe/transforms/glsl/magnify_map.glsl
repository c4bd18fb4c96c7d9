// MagnifyTransform.map: a fisheye lens on x and y. At distance d < radius from
// the centre, d' = d * mag / (1 + (mag - 1) * d / radius); identity outside.
vec4 magnify_transform_map(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    vec2 d = p.xy - $center;
    float r = length(d);
    if (r < $radius) {
        p.xy = $center + d * ($mag / (1.0 + ($mag - 1.0) * r / $radius));
    }
    return vec4(p, 1.0);
}
