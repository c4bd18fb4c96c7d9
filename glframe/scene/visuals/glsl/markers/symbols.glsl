// Marker symbols as signed distances (negative inside) in pixels, for a point sprite.
// p: position in the sprite relative to its centre, in pixels (y up); r: radius.
float marker_distance(int symbol, vec2 p, float r) {
    vec2 a = abs(p);
    if (symbol == 0) return length(p) - r;                                   // disc
    if (symbol == 1) return max(a.x, a.y) - r * 0.886;                       // square (same area)
    if (symbol == 2 || symbol == 11) {                                       // triangles
        vec2 q = symbol == 2 ? p : vec2(p.x, -p.y);
        q.y += r * 0.25;
        return max(abs(q.x) * 0.866 + q.y * 0.5, -q.y) - r * 0.5;
    }
    if (symbol == 3) return (a.x + a.y) * 0.7071 - r * 0.75;                 // diamond
    if (symbol == 4) return min(max(a.x - r, a.y - r * 0.3),                 // cross (+)
                                max(a.x - r * 0.3, a.y - r));
    if (symbol == 5) {                                                       // x
        vec2 q = vec2(a.x + a.y, abs(a.x - a.y)) * 0.7071;
        return max(q.x - r, q.y - r * 0.3);
    }
    if (symbol == 6) return abs(length(p) - r * 0.8) - r * 0.2;              // ring
    if (symbol == 7) {                                                       // star (5 points)
        float angle = atan(p.x, p.y);
        float sector = 6.2831853 / 5.0;
        float t = mod(angle + sector * 0.5, sector) - sector * 0.5;
        vec2 q = length(p) * vec2(cos(t), abs(sin(t)));
        vec2 tip = vec2(r, 0.0);
        vec2 inner = r * 0.45 * vec2(cos(sector * 0.5), sin(sector * 0.5));
        vec2 e = inner - tip;
        vec2 w = q - tip;
        float side = e.x * w.y - e.y * w.x;
        vec2 closest = tip + e * clamp(dot(w, e) / dot(e, e), 0.0, 1.0);
        return length(q - closest) * -sign(side);
    }
    if (symbol == 8) {                                                       // arrow (right)
        return max(max(a.y * 1.2 + p.x * 0.6 - r * 0.6, -p.x - r), -r);
    }
    if (symbol == 9) return max(a.x - r, a.y - r * 0.25);                    // horizontal bar
    if (symbol == 10) return max(a.x - r * 0.25, a.y - r);                   // vertical bar
    return length(p) - r;
}

void main() {
    float size = v_size;
    vec2 p = (gl_PointCoord - 0.5) * vec2(1.0, -1.0) * v_sprite;
    // $symbol: a constant, the one symbol of every point (its distance alone is
    // compiled), or -1 for a symbol per point (v_symbol)
    int symbol = $symbol < -0.5 ? v_symbol : int($symbol + 0.5);
    float d = marker_distance(symbol, p, size * 0.5);
    float edge = v_edge;
    // $edge: a constant, 1 where the edge is wider than 0 (without one, its blend is not
    // compiled: llvmpipe computes both sides of a uniform branch)
    if ($edge > 0.5) {
        float fill = clamp(0.5 - (d + edge * 0.5), 0.0, 1.0);
        float outer = clamp(0.5 - (d - edge * 0.5), 0.0, 1.0);
        vec4 color = mix(v_edge_color, v_face_color, fill);
        f_color = $post(vec4(color.rgb, color.a * outer));
    } else {
        f_color = $post(vec4(v_face_color.rgb, v_face_color.a * clamp(0.5 - d, 0.0, 1.0)));
    }
    if (f_color.a <= 0.0) discard;
}
