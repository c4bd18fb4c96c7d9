// Shading of an aggregate grid (see scene/visuals/_aggregate_shading.py for what runs where).
// Needs: u_values (R32F: a value per cell, or its eq_hist rank in [0, 1]; NaN: empty),
// u_colors (RGBA8: blended category colours), u_cmap (the 256-texel colormap),
// u_size ((W, H) cells), u_limits ((lo, hi) as given: reversed reverses), u_how
// (0 linear, 1 log, 2 cbrt, 3 eq_hist: the texel is already t), u_categorical (0 or 1)
// and u_min_alpha (the alpha of the sparsest category cells).

// A value to t in [0, 1]; numpy's twin is _aggregate_shading.transfer.
float aggregate_transfer(float v) {
    if (u_how > 2.5) return v;
    float a = min(u_limits.x, u_limits.y);
    float b = max(u_limits.x, u_limits.y);
    float c = clamp(v, a, b);
    float t;
    if (u_how > 0.5 && u_how < 1.5) {
        // log: scale-free for positive data (counts: log(v) / log(max)), else shifted
        t = a > 0.0 ? log(c / a) / log(b / a) : log(1.0 + c - a) / log(1.0 + b - a);
    } else {
        t = (c - a) / (b - a);
        if (u_how > 1.5) t = pow(t, 1.0 / 3.0);
    }
    return u_limits.x > u_limits.y ? 1.0 - t : t;
}

// the colormap at t, interpolated between two of its 256 texels (exact at the ends)
vec4 aggregate_lut(float t) {
    float x = clamp(t, 0.0, 1.0) * 255.0;
    int i = min(int(x), 254);
    vec4 below = texelFetch(u_cmap, ivec2(i, 0), 0);
    return mix(below, texelFetch(u_cmap, ivec2(i + 1, 0), 0), x - float(i));
}

// cell: position in cells ((0, 0) is the corner of row 0, column 0); vec4(0) when empty
vec4 aggregate_color(vec2 cell) {
    ivec2 index = clamp(ivec2(floor(cell)), ivec2(0), ivec2(u_size) - 1);
    float v = texelFetch(u_values, index, 0).r;
    if (isnan(v)) return vec4(0.0);
    float t = aggregate_transfer(v);
    if (u_categorical > 0.5) {
        return vec4(texelFetch(u_colors, index, 0).rgb, mix(u_min_alpha, 1.0, t));
    }
    return aggregate_lut(t);
}
