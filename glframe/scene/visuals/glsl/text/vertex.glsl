// Text: the vertex stage. One instance per glyph, drawn as a 4-vertex triangle strip:
// the glyph's quad (em units from its label's anchor) is scaled to pixels, rotated
// about the anchor, and added to the anchor's clip position, so the text keeps its
// size in pixels; with u_scene_scaling the size of an em is measured in scene x units
// at the anchor instead.
in vec3 a_corner;        // per vertex: the quad corner (0 or 1, 0 or 1), the pass
in vec3 a_position;      // per glyph: its label's anchor, data coordinates
in vec4 a_quad;          // per glyph: x0, y0, x1, y1 in em from the anchor, y up
in vec4 a_texels;        // per glyph: x, y, w, h in the atlas, rows down
in float a_label;        // per glyph: its label's index (for picking)
in vec4 a_color;
in float a_font_size;
in float a_rotation;     // radians, counter-clockwise
uniform float u_scene_scaling;   // 0: font sizes in pixels, 1: in scene x units
uniform float u_em;              // atlas texels per em
out vec2 v_texel;
out vec4 v_color;
out float v_texel_px;
flat out float v_outline_pass;
void main() {
    vec4 clip = $transform(vec4(a_position, 1.0));
    float size = a_font_size * $pixel_scale;   // framebuffer pixels per em
    if (u_scene_scaling > 0.5) {
        vec4 other = $transform(vec4(a_position + vec3(a_font_size, 0.0, 0.0), 1.0));
        size = length((other.xy / other.w - clip.xy / clip.w) * $viewport * 0.5);
    }
    float c = cos(a_rotation);
    float s = sin(a_rotation);
    vec2 offset = mat2(c, s, -s, c) * mix(a_quad.xy, a_quad.zw, a_corner.xy) * size;
    gl_Position = clip + vec4(offset * 2.0 / $viewport * clip.w, 0.0, 0.0);
    v_texel = a_texels.xy + vec2(a_corner.x, 1.0 - a_corner.y) * a_texels.zw;
    v_color = a_color;
    v_texel_px = size / u_em;
    v_outline_pass = a_corner.z;
    $pick_index = int(a_label + 0.5);   // canvas.pick() reports the label's index
}
