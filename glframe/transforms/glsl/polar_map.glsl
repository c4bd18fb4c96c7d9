// PolarTransform.map: (theta, r) -> (r cos theta, r sin theta); z passes through.
vec4 polar_transform_map(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    return vec4(p.y * cos(p.x), p.y * sin(p.x), p.z, 1.0);
}
