// Picking: a fragment hook. While $id.w is 1 (the picking pass), the colour is
// replaced by the visual's id (alpha, 1..255) and the element's index (24 bits
// in r, g, b); fragments that would be invisible are discarded.
vec4 pick(vec4 color) {
    vec4 id = $id;
    if (id.w < 0.5) return color;
    if (color.a < 0.05) discard;
    int index = $index;
    return vec4(float(index & 255), float((index >> 8) & 255), float((index >> 16) & 255), id.x) / 255.0;
}
