// Blinn-Phong lighting by one directional white light, in any one coordinate frame.
// color: the surface colour; normal, to_eye, to_light: unit vectors;
// material: (ambient, diffuse, specular, shininess).
vec3 shade_blinn_phong(vec3 color, vec3 normal, vec3 to_eye, vec3 to_light, vec4 material) {
    float diffuse = max(dot(normal, to_light), 0.0);
    vec3 halfway = normalize(to_light + to_eye);
    // no highlight on the side facing away from the light
    float specular = diffuse > 0.0 ? pow(max(dot(normal, halfway), 0.0), material.w) : 0.0;
    return color * (material.x + material.y * diffuse) + vec3(material.z * specular);
}
