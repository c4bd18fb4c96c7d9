// MercatorTransform.map: (lon, lat) in degrees -> (lon, degrees(ln(tan(pi/4 + lat/2)))),
// computed as asinh(tan(lat)): the same function, exact at the equator.
vec4 mercator_transform_map(vec4 pos) {
    vec3 p = pos.xyz / pos.w;
    p.y = degrees(asinh(tan(radians(p.y))));
    return vec4(p, 1.0);
}
