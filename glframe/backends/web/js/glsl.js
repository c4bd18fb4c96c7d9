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
// Before a source reaches the compiler, checkSource() bounds what a hostile one
// could make it do (docs/glir.md section 6.1): its size, its #define count, the
// tokens its macros expand to, and how deep it nests expressions and blocks. It
// is the desktop interpreter's check (glframe/backends/gl/_shaders.py), line for
// line, with the same numbers and messages.
//
// Limits: lines are split on "\n" only (a "\r" stays at the end of a line, which
// compilers ignore); the version line is recognised only where docs/glir.md
// allows it (the first line that is neither blank nor a `//` comment).

import {
  MAX_MACRO_TOKENS,
  MAX_SHADER_BYTES,
  MAX_SHADER_DEFINES,
  MAX_SHADER_NESTING,
  ShaderError,
} from "./protocol.js";

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
  checkSource("vertex", vertex); // before the compiler sees it: it may hang or crash
  checkSource("fragment", fragment);
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

// ---- input limits --------------------------------------------------------------------
// A small model of the GLSL preprocessor and parser: enough to count what the driver
// will have to build, never to judge whether the shader is valid (the driver does).

const CONTINUATION_RE = /\\\r?\n/g;
const COMMENT_RE = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g;
const DIRECTIVE_RE = /^\s*#\s*(\w*)(.*)$/s;
const DEFINE_RE = /^\s*([A-Za-z_]\w*)(\([^)]*\))?(.*)$/s;
const TOKEN_RE = new RegExp(
  [
    String.raw`[A-Za-z_]\w*`,
    String.raw`(?:0[xX][0-9A-Fa-f]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\w*`,
    String.raw`<<=|>>=|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\^\^|[\-+*/%&|^]=`,
    String.raw`\S`,
  ].join("|"),
  "gu",
);
/** Tokens that add a level to an expression tree (binary, unary, ternary, assignment). */
const OPERATORS = new Set(
  (
    "+ - * / % < > = ! ~ & | ^ ? : << >> <= >= == != && || ^^ ++ -- += -= *= /= %= &= |= ^= " +
    "<<= >>="
  ).split(" "),
);
const NO_HIDING = new Set();

/** A limit was passed: the message, without the stage. */
class LimitError extends Error {}

const tokensOf = (text) => text.match(TOKEN_RE) ?? [];

/**
 * How deep the expressions and blocks of a token stream nest (an estimate): the
 * operators chained at one bracket level plus what its brackets hold; commas, `;`
 * and braces end a chain. Drivers compile such trees recursively: a 20,000-term
 * sum made Mesa overflow its stack where 15,000 compiled.
 */
class Nesting {
  constructor() {
    this.frames = [];
    this.base = this.ops = this.child = this.best = 0;
    this.blocks = 0;
  }

  feed(tok, line) {
    if (OPERATORS.has(tok)) {
      this.ops += 1;
      this.check(this.base + this.ops + this.child, line);
    } else if (tok === "(" || tok === "[") {
      this.frames.push([this.base, this.ops, this.child, this.best]);
      this.base += this.ops + 1;
      this.ops = this.child = this.best = 0;
      this.check(this.base, line);
    } else if (tok === ")" || tok === "]") {
      const depth = Math.max(this.best, this.ops + this.child) + 1;
      if (this.frames.length > 0) {
        [this.base, this.ops, this.child, this.best] = this.frames.pop();
      } else {
        this.base = this.ops = this.child = this.best = 0;
      }
      this.child = Math.max(this.child, depth);
      this.check(this.base + this.ops + this.child, line);
    } else if (tok === ",") {
      this.best = Math.max(this.best, this.ops + this.child);
      this.ops = this.child = 0;
    } else if (tok === ";" || tok === "{" || tok === "}") {
      this.frames.length = 0;
      this.base = this.ops = this.child = this.best = 0;
      this.blocks += tok === "{" ? 1 : tok === "}" ? -1 : 0;
      this.check(this.blocks, line, "blocks");
    }
  }

  check(depth, line, what = "an expression") {
    if (depth > MAX_SHADER_NESTING) {
      const fix = what === "blocks" ? "functions" : "temporary variables";
      throw new LimitError(
        `line ${line} nests ${what} more than ${MAX_SHADER_NESTING} levels deep ` +
          "(glir.MAX_SHADER_NESTING; deeper trees can overflow the driver's stack): " +
          `split it with ${fix}`,
      );
    }
  }
}

/**
 * Expand macros in `tokens` [[token, hide set, line]] into `nesting`. Hide sets stop
 * a macro from expanding inside its own expansion, as in C. Every token a macro
 * produces is charged to `budget.left`; arguments are substituted unexpanded and
 * expanded when rescanned, which never counts less.
 */
function expand(tokens, macros, budget, nesting) {
  const stack = tokens.slice().reverse();
  let origin = ""; // the macro the source names, for the message
  while (stack.length > 0) {
    const [tok, hidden, line] = stack.pop();
    const macro = macros.get(tok);
    if (macro === undefined || hidden.has(tok)) {
      nesting.feed(tok, line);
      continue;
    }
    if (hidden.size === 0) origin = tok;
    const { params, body } = macro;
    let produced;
    if (params === null) {
      const hide = new Set(hidden).add(tok);
      produced = body.map((t) => [t, hide, line]);
    } else {
      if (stack.length === 0 || stack[stack.length - 1][0] !== "(") {
        nesting.feed(tok, line); // a function-like macro's name without arguments
        continue;
      }
      stack.pop();
      const args = [[]];
      let depth = 0;
      let closing = null;
      while (stack.length > 0) {
        const item = stack.pop();
        const t = item[0];
        if (t === ")" && depth === 0) {
          closing = item;
          break;
        }
        if (t === "," && depth === 0) {
          args.push([]);
          continue;
        }
        depth += (t === "(" ? 1 : 0) - (t === ")" ? 1 : 0);
        args[args.length - 1].push(item);
      }
      if (closing === null) {
        // unterminated: the driver reports it
        for (const arg of args) for (const item of arg) nesting.feed(item[0], item[2]);
        continue;
      }
      const hide = new Set([...hidden].filter((name) => closing[1].has(name))).add(tok);
      produced = [];
      for (const t of body) {
        const index = params.get(t);
        if (index === undefined) produced.push([t, hide, line]);
        else if (index < args.length) produced.push(...args[index]);
      }
    }
    budget.left -= produced.length + 1;
    if (budget.left < 0) {
      throw new LimitError(
        `macro expansion produces more than ${MAX_MACRO_TOKENS} tokens ` +
          `(glir.MAX_MACRO_TOKENS), at line ${line} in the expansion of '${origin}'`,
      );
    }
    for (let i = produced.length - 1; i >= 0; i--) stack.push(produced[i]);
  }
}

/**
 * Refuse a shader source beyond the input limits (docs/glir.md section 6.1).
 *
 * @param {string} stage - "vertex" or "fragment", for the message.
 * @param {string} source - the source as it travelled in SHADERS.
 * @throws {ShaderError} naming the stage, the limit and the numbers.
 */
export function checkSource(stage, source) {
  if (typeof source !== "string") {
    throw new ShaderError(`${stage} shader must be a str, not ${typeof source}`);
  }
  try {
    const size = new TextEncoder().encode(source).length;
    if (size > MAX_SHADER_BYTES) {
      throw new LimitError(
        `source is ${size} bytes, more than ${MAX_SHADER_BYTES} ` +
          "(glir.MAX_SHADER_BYTES): move large tables into a texture",
      );
    }
    checkTokens(source);
  } catch (err) {
    if (err instanceof LimitError) throw new ShaderError(`${stage} shader: ${err.message}`);
    throw err;
  }
}

function checkTokens(source) {
  // Continuations join lines and comments vanish before directives are seen, as in
  // GLSL; a block comment keeps its line breaks so line numbers stay the author's.
  let text = source.replace(CONTINUATION_RE, "");
  text = text.replace(COMMENT_RE, (m) => "\n".repeat(m.split("\n").length - 1) || " ");
  const macros = new Map(); // name -> {params: Map | null, body: tokens}
  const budget = { left: MAX_MACRO_TOKENS };
  const nesting = new Nesting();
  let defines = 0;
  const pending = []; // text between directives (a macro call may span lines)
  const flush = () => {
    if (macros.size > 0) expand(pending, macros, budget, nesting);
    else for (const [tok, , line] of pending) nesting.feed(tok, line);
    pending.length = 0;
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    const line = lines[i];
    const directive = line.includes("#") ? DIRECTIVE_RE.exec(line) : null;
    if (directive === null) {
      for (const t of tokensOf(line)) pending.push([t, NO_HIDING, number]);
      continue;
    }
    flush();
    const [, name, rest] = directive;
    if (name === "define") {
      defines += 1;
      if (defines > MAX_SHADER_DEFINES) {
        throw new LimitError(
          `line ${number} is #define number ${defines}, more than ` +
            `${MAX_SHADER_DEFINES} (glir.MAX_SHADER_DEFINES)`,
        );
      }
      const parts = DEFINE_RE.exec(rest);
      if (parts !== null) {
        const [, macro, paramText, body] = parts;
        let params = null;
        if (paramText !== undefined) {
          params = new Map();
          paramText
            .slice(1, -1)
            .split(",")
            .forEach((p, index) => {
              if (p.trim()) params.set(p.trim(), index);
            });
        }
        macros.set(macro, { params, body: tokensOf(body) });
      }
    } else if (name === "undef") {
      macros.delete(rest.trim());
    } else if (name === "if" || name === "elif") {
      // The condition is expanded too (`defined` names are not, a detail).
      for (const t of tokensOf(rest)) pending.push([t, NO_HIDING, number]);
      pending.push([";", NO_HIDING, number]);
      flush();
    }
  }
  flush();
}
