// The identity transform (NullTransform), on homogeneous coordinates.
vec4 null_transform(vec4 pos) {
    return pos;
}
