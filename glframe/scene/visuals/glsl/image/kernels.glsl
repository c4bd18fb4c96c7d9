// Image resampling kernels beyond nearest and linear (needs image/sample.glsl before it).
// The texture is still read by index (texelFetch): the kernel's taps around p are fetched
// and weighted here, so float (R32F) data, RGB(A) colours and WebGL2 all work the same.
// Separable: a tap's weight is the product of the kernel at its x and y distances, and the
// weights are divided by their sum (the Gaussian does not sum to one; missing texels are
// left out). Needs the uniforms u_kernel (IMAGE_KERNELS' id in _image.py), u_kernel_bc
// (B, C of the cubic family) and u_kernel_radius (taps reach that many texels each way:
// 2r x 2r taps, at most IMAGE_KERNEL_TAPS per axis).

const int IMAGE_KERNEL_TAPS = 8;  // the widest kernel, radius 4

float image_sinc(float x) {
    return x < 1e-4 ? 1.0 : sin(3.14159265 * x) / (3.14159265 * x);
}

// the kernel at distance x >= 0 texels (0 beyond its radius)
float image_kernel(float x) {
    int kind = int(u_kernel + 0.5);
    float r = u_kernel_radius;
    if (x >= r) return 0.0;
    if (kind == 1) {  // Mitchell-Netravali cubics: B-spline (1, 0), Catmull-Rom (0, 1/2)...
        float b = u_kernel_bc.x;
        float c = u_kernel_bc.y;
        if (x < 1.0) {
            return ((12.0 - 9.0 * b - 6.0 * c) * x * x * x
                    + (-18.0 + 12.0 * b + 6.0 * c) * x * x + (6.0 - 2.0 * b)) / 6.0;
        }
        return ((-b - 6.0 * c) * x * x * x + (6.0 * b + 30.0 * c) * x * x
                + (-12.0 * b - 48.0 * c) * x + (8.0 * b + 24.0 * c)) / 6.0;
    }
    if (kind == 2) {  // spline16: a piecewise cubic interpolating through 4 taps
        if (x < 1.0) return ((x - 1.8) * x - 0.2) * x + 1.0;
        float u = x - 1.0;
        return ((-u / 3.0 + 0.8) * u - 7.0 / 15.0) * u;
    }
    if (kind == 3) {  // spline36: the same through 6 taps
        if (x < 1.0) return ((13.0 / 11.0 * x - 453.0 / 209.0) * x - 3.0 / 209.0) * x + 1.0;
        if (x < 2.0) {
            float u = x - 1.0;
            return ((-6.0 / 11.0 * u + 270.0 / 209.0) * u - 156.0 / 209.0) * u;
        }
        float u = x - 2.0;
        return ((1.0 / 11.0 * u - 45.0 / 209.0) * u + 26.0 / 209.0) * u;
    }
    if (kind == 4) return exp(-2.0 * x * x);  // gaussian, sigma 1/2 texel
    if (kind == 5) return image_sinc(x) * image_sinc(x / r);  // lanczos
    // blackman: sinc windowed by the Blackman window
    float a = 3.14159265 * x / r;
    return image_sinc(x) * (0.42 + 0.5 * cos(a) + 0.08 * cos(2.0 * a));
}

// p as for image_sample; a missing (NaN) nearest texel is returned as is
vec4 image_sample_kernel(vec2 p) {
    vec4 nearest = image_texel(ivec2(floor(p)));
    if (image_missing(nearest)) return nearest;
    vec2 q = p - 0.5;  // texel centres at integers
    vec2 f = q - floor(q);
    int r = int(u_kernel_radius + 0.5);
    ivec2 first = ivec2(floor(q)) - (r - 1);
    float wx[IMAGE_KERNEL_TAPS];  // the x weights, the same for every row of taps
    for (int i = 0; i < 2 * r; i++) wx[i] = image_kernel(abs(f.x - float(i - r + 1)));
    vec4 sum = vec4(0.0);
    float weights = 0.0;
    // loops bounded by the uniform radius, not unrolled: llvmpipe compiled the unrolled
    // 8 x 8 taps (each inlining the kernel) several times slower than the rest
    for (int j = 0; j < 2 * r; j++) {
        float wy = image_kernel(abs(f.y - float(j - r + 1)));
        for (int i = 0; i < 2 * r; i++) {
            vec4 texel = image_texel(first + ivec2(i, j));
            if (image_missing(texel)) continue;
            float w = wx[i] * wy;
            // colours blend premultiplied, so transparent texels do not bleed their colour
            sum += w * (u_color_mode > 0.5 ? vec4(texel.rgb * texel.a, texel.a) : texel);
            weights += w;
        }
    }
    // negative lobes with missing texels can leave almost no weight: show the nearest
    if (weights < 0.05) return nearest;
    sum /= weights;
    if (u_color_mode > 0.5) sum = sum.a > 0.0 ? vec4(sum.rgb / sum.a, sum.a) : vec4(0.0);
    return sum;
}
