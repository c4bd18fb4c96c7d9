// Ray casting through a volume's box [0, W] x [0, H] x [0, D] in the visual's local
// coordinates (one unit per voxel; voxel (k, i, j) is centred at (j, i, k) + 0.5).
// Needs the functions `float volume_value(vec3 p)` (the value at local point p, in texture
// units) and `float volume_voxel()` (the side of the voxels sampled, in local units: the
// iso-surface's gradient is taken over it) declared before it, and the uniforms u_cmap (a 256-texel colormap), u_shape
// ((W, H, D)), u_clim and u_threshold (in texture units), u_gamma, u_step (local units),
// u_opacity (per voxel, translucent); the main function picks the method (a constant).

const int VOLUME_MAX_STEPS = 1024;

// a texture value normalized by the contrast limits, then gamma
float volume_level(float value) {
    float t = clamp((value - u_clim.x) / (u_clim.y - u_clim.x), 0.0, 1.0);
    return pow(t, u_gamma);
}

// the 256-texel colormap at t in [0, 1], interpolated here between two fetched texels:
// exact at the ends and the same on every GPU (hardware filtering has few subtexel bits)
vec4 volume_lut(float t) {
    float x = clamp(t, 0.0, 1.0) * 255.0;
    int i = min(int(x), 254);
    vec4 below = texelFetch(u_cmap, ivec2(i, 0), 0);
    return mix(below, texelFetch(u_cmap, ivec2(i + 1, 0), 0), x - float(i));
}

vec4 volume_colormap(float t) {
    return volume_lut(t);
}

// (entry, exit) distances of the ray o + t d through the box [box_lo, box_hi] (slab method)
vec2 volume_ray_between(vec3 o, vec3 d, vec3 box_lo, vec3 box_hi) {
    vec3 a = (box_lo - o) / d;
    vec3 b = (box_hi - o) / d;
    vec3 lo = min(a, b);
    vec3 hi = max(a, b);
    return vec2(max(max(lo.x, lo.y), lo.z), min(min(hi.x, hi.y), hi.z));
}

// (entry, exit) distances of the ray o + t d through the volume's box [0, u_shape]
vec2 volume_ray_box(vec3 o, vec3 d) {
    return volume_ray_between(o, d, vec3(0.0), u_shape);
}

// window depth of a local point (0 when behind the eye)
float volume_depth(vec3 p) {
    vec4 clip = $transform(vec4(p, 1.0));
    if (clip.w <= 0.0) return 0.0;
    return clamp(clip.z / clip.w * 0.5 + 0.5, 0.0, 1.0);
}

vec4 volume_mip(vec3 o, vec3 d, float t0, float dt, int n) {
    float best = volume_value(o + d * (t0 + 0.5 * dt));
    for (int k = 1; k < VOLUME_MAX_STEPS; k++) {
        if (k >= n) break;
        best = max(best, volume_value(o + d * (t0 + (float(k) + 0.5) * dt)));
    }
    return vec4(volume_colormap(volume_level(best)).rgb, 1.0);
}

// the minimum intensity along the ray: the counterpart of mip
vec4 volume_minip(vec3 o, vec3 d, float t0, float dt, int n) {
    float least = volume_value(o + d * (t0 + 0.5 * dt));
    for (int k = 1; k < VOLUME_MAX_STEPS; k++) {
        if (k >= n) break;
        least = min(least, volume_value(o + d * (t0 + (float(k) + 0.5) * dt)));
    }
    return vec4(volume_colormap(volume_level(least)).rgb, 1.0);
}

// the mean of the samples along the ray (of the values, before clim and gamma)
vec4 volume_average(vec3 o, vec3 d, float t0, float dt, int n) {
    float sum = 0.0;
    for (int k = 0; k < VOLUME_MAX_STEPS; k++) {
        if (k >= n) break;
        sum += volume_value(o + d * (t0 + (float(k) + 0.5) * dt));
    }
    return vec4(volume_colormap(volume_level(sum / float(n))).rgb, 1.0);
}

// each sample's colour (alpha included) screened onto the sum, 1 - (1 - sum) (1 - c),
// as vispy's "additive" does, weighted by the step length so that one voxel of colour c
// adds as one vispy sample does, whatever step_size is: the product of (1 - c)^dt is
// gathered as a sum of logarithms
vec4 volume_additive(vec3 o, vec3 d, float t0, float dt, int n) {
    vec4 log_clear = vec4(0.0);  // log of the product of (1 - c)^dt
    for (int k = 0; k < VOLUME_MAX_STEPS; k++) {
        if (k >= n) break;
        vec4 c = volume_colormap(volume_level(volume_value(o + d * (t0 + (float(k) + 0.5) * dt))));
        log_clear += dt * log(max(1.0 - c, 1e-6));  // a channel at 1 saturates at once
    }
    return 1.0 - exp(log_clear);
}

// front-to-back compositing; a voxel at the top of the limits has opacity u_opacity
// (times the colormap's alpha), corrected for the step length
vec4 volume_translucent(vec3 o, vec3 d, float t0, float dt, int n) {
    vec3 rgb = vec3(0.0);
    float alpha = 0.0;
    for (int k = 0; k < VOLUME_MAX_STEPS; k++) {
        if (k >= n || alpha > 0.995) break;
        float t = volume_level(volume_value(o + d * (t0 + (float(k) + 0.5) * dt)));
        vec4 c = volume_colormap(t);
        float a = 1.0 - pow(1.0 - clamp(t * c.a * u_opacity, 0.0, 0.9999), dt);
        rgb += (1.0 - alpha) * a * c.rgb;
        alpha += (1.0 - alpha) * a;
    }
    return alpha > 0.0 ? vec4(rgb / alpha, alpha) : vec4(0.0);
}

// the first crossing of u_threshold, shaded by a headlight; t_hit gets its distance
vec4 volume_iso(vec3 o, vec3 d, float t0, float dt, int n, out float t_hit) {
    float previous = volume_value(o + d * t0);
    t_hit = t0;
    bool found = previous >= u_threshold;  // the box cuts through the surface
    for (int k = 1; k < VOLUME_MAX_STEPS + 1; k++) {
        if (found || k > n) break;
        float t = t0 + float(k) * dt;
        float value = volume_value(o + d * t);
        if (value >= u_threshold) {
            found = true;
            t_hit = t - dt * (1.0 - (u_threshold - previous) / (value - previous));
        }
        previous = value;
    }
    if (!found) return vec4(0.0);
    vec3 p = o + d * t_hit;
    float h = volume_voxel();
    vec3 g = vec3(
        volume_value(p + vec3(h, 0.0, 0.0)) - volume_value(p - vec3(h, 0.0, 0.0)),
        volume_value(p + vec3(0.0, h, 0.0)) - volume_value(p - vec3(0.0, h, 0.0)),
        volume_value(p + vec3(0.0, 0.0, h)) - volume_value(p - vec3(0.0, 0.0, h)));
    vec3 normal = length(g) > 0.0 ? -normalize(g) : -d;
    float facing = abs(dot(normal, d));  // a two-sided headlight
    vec3 base = volume_colormap(volume_level(u_threshold)).rgb;
    return vec4(base * (0.25 + 0.75 * facing) + 0.25 * pow(facing, 40.0), 1.0);
}
