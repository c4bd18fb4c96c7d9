// STTransform.map: scale, then translate, on the homogeneous vector
// (x, y, z, w) -> (s * xyz + t * w, w), which is what its 4x4 matrix does.
vec4 st_transform_map(vec4 pos) {
    return vec4(pos.xyz * $scale + $translate * pos.w, pos.w);
}
