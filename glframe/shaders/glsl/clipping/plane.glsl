// Clip against a plane in the coordinates of $position (a vec3 varying or expression):
// fragments where dot($plane.xyz, position) + $plane.w < 0 are discarded. A fragment hook.
vec4 clip_plane(vec4 color) {
    vec4 p = $plane;
    if (dot(p.xyz, $position) + p.w < 0.0)
        discard;
    return color;
}
