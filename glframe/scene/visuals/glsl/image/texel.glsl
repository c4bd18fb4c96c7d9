// image_texel for Image: one texture per tile (needed by image/sample.glsl and
// image/kernels.glsl). Needs the uniforms u_data (this tile), u_tile_origin (image index,
// as (column, row), of the tile's texel (0, 0)) and u_image_size ((W, H) of the whole
// image).

vec4 image_texel(ivec2 index) {
    // clamped to the image, as clamp_to_edge would: same result tiled or not
    ivec2 last = ivec2(u_image_size) - 1;
    return texelFetch(u_data, clamp(index, ivec2(0), last) - ivec2(u_tile_origin), 0);
}
