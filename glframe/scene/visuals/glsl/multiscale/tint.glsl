// The visual debugger's colour of a multiscale level: red, green, blue, yellow, magenta,
// cyan, then again (level modulo 6); MultiscaleImage and MultiscaleVolume mix it in.
vec3 level_tint(float level) {
    int k = int(level) % 6;
    if (k == 0) return vec3(1.0, 0.2, 0.2);
    if (k == 1) return vec3(0.2, 1.0, 0.2);
    if (k == 2) return vec3(0.3, 0.4, 1.0);
    if (k == 3) return vec3(1.0, 1.0, 0.2);
    if (k == 4) return vec3(1.0, 0.2, 1.0);
    return vec3(0.2, 1.0, 1.0);
}
