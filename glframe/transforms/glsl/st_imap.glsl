// STTransform.imap: undo the translation, then the scale.
vec4 st_transform_imap(vec4 pos) {
    return vec4((pos.xyz - $translate * pos.w) / $scale, pos.w);
}
