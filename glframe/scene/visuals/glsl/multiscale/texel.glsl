// image_texel for MultiscaleImage (needed by image/sample.glsl and image/kernels.glsl):
// the index is tile-local, in the tile's level pixels. It is clamped to v_clamp (the
// tile's texels, its margin of neighbouring texels, and no further than the level's
// edge, as Image clamps at the image's), then read from the tile's slot in its atlas page
// (the slot's first texel at v_tile.zw holds the margin's first texel, u_margin texels
// before the tile's own texel (0, 0)). Needs atlas_fetch (FRAG_MAIN), the uniform
// u_margin and the varyings v_tile, v_layer and v_clamp.

vec4 atlas_fetch(int page, ivec2 texel);

vec4 image_texel(ivec2 index) {
    ivec2 i = clamp(index, ivec2(v_clamp.xy), ivec2(v_clamp.zw));
    return atlas_fetch(int(v_layer.y + 0.5), i + ivec2(v_tile.zw) + ivec2(int(u_margin + 0.5)));
}
