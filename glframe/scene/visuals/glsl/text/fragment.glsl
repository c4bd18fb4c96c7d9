// Text: the fragment stage of a glyph quad, shaded from its signed distance field.
// The atlas stores 0.5 - distance / (2 * spread) per texel (distance in atlas texels,
// negative inside); v_texel_px is the size of an atlas texel in framebuffer pixels,
// so the distance is known in pixels and the edge antialiased over one pixel at any
// size. Outlined text is drawn in two passes: first every glyph grown by the outline
// width in the outline colour (v_outline_pass = 1), then the glyphs themselves. The
// outline is limited by the distances the atlas holds (u_spread texels).
in vec2 v_texel;
in vec4 v_color;
in float v_texel_px;
flat in float v_outline_pass;
uniform sampler2D u_atlas;
uniform float u_spread;
uniform vec4 u_outline_color;
uniform float u_outline_width;
out vec4 f_color;
void main() {
    float value = texture(u_atlas, v_texel / vec2(textureSize(u_atlas, 0))).r;
    float d = (0.5 - value) * 2.0 * u_spread * v_texel_px;   // pixels, negative inside
    vec4 color = v_color;
    if (v_outline_pass > 0.5) {
        float width = max(min(u_outline_width * $pixel_scale, u_spread * v_texel_px - 1.0), 0.0);
        color = u_outline_color;
        d -= width;
    }
    color.a *= clamp(0.5 - d, 0.0, 1.0);
    if (color.a <= 0.0) discard;
    f_color = $post(color);
}
