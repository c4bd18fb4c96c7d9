// MatrixTransform: a 4x4 matrix on homogeneous coordinates. The same snippet
// serves map ($matrix is the matrix) and imap ($matrix is its inverse).
vec4 matrix_transform(vec4 pos) {
    return $matrix * pos;
}
