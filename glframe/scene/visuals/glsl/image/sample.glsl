// Image sampling by texel index (texelFetch). No texture filtering is used, so float
// textures need no filtering support (WebGL2 cannot filter R32F), and tiles agree exactly
// at their seams: "linear" is a bilinear blend of the four nearest texels, computed here.
// Needs image_texel(ivec2) before it (image/texel.glsl for Image's tiles; MultiscaleImage
// has its own, reading its atlas) and the uniforms u_linear (0 or 1) and u_color_mode
// (0: a value in .r, 1: RGBA colours).

bool image_missing(vec4 texel) {
    return any(isnan(texel));
}

// p: position in image pixels (x = column, y = row; pixel (i, j) covers [j, j+1] x [i, i+1]).
// Returns the value (in .r) or the colour; a missing (NaN) nearest texel returns it as is,
// and missing neighbours are left out of the bilinear weights.
vec4 image_sample(vec2 p) {
    vec4 nearest = image_texel(ivec2(floor(p)));
    if (u_linear < 0.5 || image_missing(nearest)) return nearest;
    vec2 q = p - 0.5;
    vec2 f = q - floor(q);
    ivec2 i0 = ivec2(floor(q));
    vec4 sum = vec4(0.0);
    float weights = 0.0;
    for (int k = 0; k < 4; k++) {
        ivec2 o = ivec2(k % 2, k / 2);
        vec4 texel = image_texel(i0 + o);
        if (image_missing(texel)) continue;
        float w = (o.x == 1 ? f.x : 1.0 - f.x) * (o.y == 1 ? f.y : 1.0 - f.y);
        // colours blend premultiplied, so transparent texels do not bleed their colour
        sum += w * (u_color_mode > 0.5 ? vec4(texel.rgb * texel.a, texel.a) : texel);
        weights += w;
    }
    sum /= weights;  // > 0: the nearest texel is one of the four, with weight >= 1/4
    if (u_color_mode > 0.5 && sum.a > 0.0) sum.rgb /= sum.a;
    return sum;
}

// the 256-texel colormap at t in [0, 1], interpolated here between two fetched texels:
// exact at the ends and the same on every GPU (hardware filtering has few subtexel bits)
vec4 image_lut(float t) {
    float x = clamp(t, 0.0, 1.0) * 255.0;
    int i = min(int(x), 254);
    vec4 below = texelFetch(u_cmap, ivec2(i, 0), 0);
    return mix(below, texelFetch(u_cmap, ivec2(i + 1, 0), 0), x - float(i));
}

// A value to a colour: contrast limits, gamma, then the colormap texture (256 texels).
vec4 image_colormap(float value) {
    float t = clamp((value - u_clim.x) / (u_clim.y - u_clim.x), 0.0, 1.0);
    // $gamma_one is a constant, 1 while gamma is 1: no pow then (a tenth of a nearest
    // image's frame on llvmpipe, which computes both sides of a uniform branch)
    if ($gamma_one < 0.5) t = pow(t, u_gamma);
    return image_lut(t);
}
