// Shader sources for WebGL2: the GLSL ES 3.00 header and precision block that a
// browser compiler needs, and readable compile-error reports. Pure string
// functions (docs/glir.md, command SHADERS), so Node can test them.
//
// The adaptation keeps the author's line numbers: the inserted lines come before
// a `#line` directive (in GLSL ES 3.00, `#line N` numbers the NEXT line N), so a
// driver log's "0:12" is line 12 of the source as it travelled in the stream.
// Composed shaders (glframe.shaders) mark each snippet with
// `// --- snippet S: NAME` and `#line 1 S`; logs then say "S:L", and the report
// names the snippet and quotes its line L.
//
// Limits: lines are split on "\n" only (a "\r" stays at the end of a line, which
// compilers ignore); the version line is recognised only where docs/glir.md
// allows it (the first line that is neither blank nor a `//` comment).

import { ShaderError } from "./protocol.js";

/** The version directive WebGL2 compilers need on the very first line. */
export const WEBGL_VERSION_LINE = "#version 300 es";

/**
 * Precision statements inserted in both stages. Fragment shaders have no
 * default float precision, and sampler3D, the integer samplers and
 * sampler2DShadow have none in either stage; a later statement of the author's
 * overrides these, so inserting them unconditionally is safe.
 */
export const PRECISION_BLOCK = Object.freeze([
  "precision highp float;",
  "precision highp int;",
  "precision highp sampler2D;",
  "precision highp sampler3D;",
  "precision highp isampler2D;",
  "precision highp isampler3D;",
  "precision highp usampler2D;",
  "precision highp usampler3D;",
  "precision highp sampler2DShadow;",
]);

const VERSION_RE = /^\s*#\s*version\b/;
const EXTENSION_RE = /^\s*#\s*extension\b/;
// Locations in driver logs: ANGLE/WebGL "ERROR: 0:12:", Mesa "0:12(5):", NVIDIA
// "0(12) :"; the first number is the source string (a snippet), the second the line.
const LOG_LOCATION_RE = /\b(\d+)[:(](\d+)[):(]/g;
const LINE_DIRECTIVE_RE = /^\s*#\s*line\s+(\d+)(?:\s+(\d+))?\s*$/;
const SNIPPET_LABEL_RE = /^\/\/ --- snippet (\d+): (.*)$/;

/**
 * A GLIR shader source (GLSL ES 3.00, version line optional) as WebGL2 takes it:
 * `#version 300 es` first, the precision block after any `#extension` lines,
 * and `#line` directives so that every author line keeps its number.
 *
 * @param {string} source - the source as it travelled in SHADERS.
 * @returns {string} the source to give to `gl.shaderSource`.
 * @throws {Error} when the source declares another version (the caller prefixes
 *   the stage: "vertex shader: shader declares ...").
 */
export function adaptForWebGL(source) {
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const stripped = lines[i].trim();
    if (stripped === "" || stripped.startsWith("//")) continue;
    if (VERSION_RE.test(lines[i])) {
      const words = stripped.replace("#", "").trim().split(/\s+/).slice(1);
      if (words.length !== 2 || words[0] !== "300" || words[1] !== "es") {
        throw new Error(
          `shader declares '${stripped}'; glframe shaders are GLSL ES 3.00 ` +
            "('#version 300 es' or no version line)",
        );
      }
      lines[i] = ""; // blanked, not removed: the lines below keep their numbers
    }
    break;
  }
  // #extension must precede every non-preprocessor token: the block goes after it.
  let lastExtension = 0;
  lines.forEach((line, i) => {
    if (EXTENSION_RE.test(line)) lastExtension = i + 1;
  });
  const out = [WEBGL_VERSION_LINE];
  if (lastExtension > 0) {
    out.push("#line 1", ...lines.slice(0, lastExtension));
  }
  out.push(...PRECISION_BLOCK, `#line ${lastExtension + 1}`, ...lines.slice(lastExtension));
  return out.join("\n");
}

/**
 * Where each (source string, line) of a source is: the lines, a map from
 * "string:line" to the index of its first line, and the snippet names by string.
 */
function locateLines(source) {
  const lines = source.split("\n");
  const where = new Map();
  const names = new Map();
  let string = 0;
  let number = 1;
  lines.forEach((line, i) => {
    const label = SNIPPET_LABEL_RE.exec(line);
    if (label) names.set(Number(label[1]), label[2]);
    const key = `${string}:${number}`;
    if (!where.has(key)) where.set(key, i);
    const directive = LINE_DIRECTIVE_RE.exec(line);
    if (directive) {
      number = Number(directive[1]);
      if (directive[2] !== undefined) string = Number(directive[2]);
    } else {
      number += 1;
    }
  });
  return { lines, where, names };
}

/**
 * A readable compile-error report: the driver log, then each line the log
 * points at, with `context` lines around it, in the author's numbering
 * (`> 3 | ...`); lines of a composed shader are quoted as lines of their
 * snippet, after `in snippet 'NAME', line L:`.
 *
 * @param {string} stage - "vertex" or "fragment".
 * @param {string} source - the source as it travelled (not the adapted one).
 * @param {string} log - the compiler's info log.
 * @param {number} [context=1] - lines quoted before and after each failing line.
 * @returns {string}
 */
export function quoteCompileError(stage, source, log, context = 1) {
  const { lines, where, names } = locateLines(source);
  const keyOf = new Map();
  for (const [key, index] of where) keyOf.set(index, key);
  const parts = [`${stage} shader failed to compile:`, log.trim()];
  const seen = new Set();
  for (const m of log.matchAll(LOG_LOCATION_RE)) {
    const string = Number(m[1]);
    const number = Number(m[2]);
    const key = `${string}:${number}`;
    if (seen.has(key) || !where.has(key)) continue;
    seen.add(key);
    parts.push("");
    if (names.has(string)) parts.push(`in snippet '${names.get(string)}', line ${number}:`);
    const first = where.get(key);
    const width = String(number + context).length;
    for (let i = first - context; i <= first + context; i++) {
      const loc = keyOf.get(i);
      if (loc === undefined) continue;
      const [locString, locNumber] = loc.split(":");
      if (Number(locString) !== string) continue;
      const mark = i === first ? ">" : " ";
      parts.push(`${mark} ${locNumber.padStart(width)} | ${lines[i]}`);
    }
  }
  return parts.join("\n");
}

/**
 * Compile one shader stage; on failure throw a {@link ShaderError} quoting the
 * failing lines. The shader is returned compiled; the caller deletes it.
 *
 * @param {WebGL2RenderingContext} gl
 * @param {"vertex"|"fragment"} stage
 * @param {string} source - the source as it travelled in SHADERS.
 * @returns {WebGLShader}
 */
export function compileShader(gl, stage, source) {
  let code;
  try {
    code = adaptForWebGL(source);
  } catch (err) {
    throw new ShaderError(`${stage} shader: ${err.message}`);
  }
  const shader = gl.createShader(stage === "vertex" ? gl.VERTEX_SHADER : gl.FRAGMENT_SHADER);
  gl.shaderSource(shader, code);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
    const log = gl.getShaderInfoLog(shader) ?? "(no log)";
    gl.deleteShader(shader);
    throw new ShaderError(quoteCompileError(stage, source, log));
  }
  return shader;
}

/**
 * Compile and link a program from GLIR sources.
 *
 * @param {WebGL2RenderingContext} gl
 * @param {string} vertex
 * @param {string} fragment
 * @returns {WebGLProgram}
 * @throws {ShaderError} quoting the failing lines, or the link log.
 */
export function linkProgram(gl, vertex, fragment) {
  const shaders = [];
  try {
    shaders.push(compileShader(gl, "vertex", vertex));
    shaders.push(compileShader(gl, "fragment", fragment));
    const program = gl.createProgram();
    for (const shader of shaders) gl.attachShader(program, shader);
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
      const log = (gl.getProgramInfoLog(program) ?? "").trim();
      gl.deleteProgram(program);
      throw new ShaderError(`program failed to link:\n${log}`);
    }
    return program;
  } finally {
    // A linked program keeps its code; the shader objects are no longer needed.
    for (const shader of shaders) gl.deleteShader(shader);
  }
}
