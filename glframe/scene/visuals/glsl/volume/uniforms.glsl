// The ray caster's uniforms (glsl/volume/raycast.glsl), declared by every visual that
// casts rays, before its volume_value(): the colormap, the volume's box (W, H, D) in local
// units, the eye (a point, w = 1, or a direction, w = 0), clim and threshold in texture
// units, gamma, the step in local units, the opacity per voxel (translucent), the method.
uniform sampler2D u_cmap;
uniform vec3 u_shape;
uniform vec4 u_eye;
uniform vec2 u_clim;
uniform float u_threshold;
uniform float u_gamma;
uniform float u_step;
uniform float u_opacity;
in vec3 v_pos;
out vec4 f_color;
