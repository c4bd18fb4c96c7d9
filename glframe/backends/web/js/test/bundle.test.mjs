// The modules concatenate into one module (for a standalone HTML page, where a
// module loaded from a data: URL cannot import its siblings): drop the imports
// and re-exports between sibling modules and join the files in MODULE_ORDER.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import * as glir from "../glir.js";

const MODULE_ORDER = ["protocol.js", "glsl.js", "objects.js", "program.js", "glir.js"];
// `import {...} from "./x.js";` and `export {...} from "./x.js";`, over several lines too.
const SIBLING_STATEMENT = /^(?:import|export)\s*\{[^}]*\}\s*from\s*"\.\/[\w-]+\.js";[ \t]*\n/gm;

function bundle() {
  return MODULE_ORDER.map((name) => {
    const text = readFileSync(new URL(`../${name}`, import.meta.url), "utf8");
    return text.replace(SIBLING_STATEMENT, "");
  }).join("\n");
}

test("every module is in the order and imports only its siblings", () => {
  const dir = new URL("../", import.meta.url);
  for (const name of MODULE_ORDER) {
    const text = readFileSync(new URL(name, dir), "utf8");
    const imports = [...text.matchAll(/^(?:import|export)\b[^;]*\bfrom\s*"([^"]+)"/gm)].map((m) => m[1]);
    for (const spec of imports) {
      assert.ok(MODULE_ORDER.includes(spec.replace("./", "")), `${name} imports ${spec}`);
      // A module only imports modules that come before it in the order.
      assert.ok(MODULE_ORDER.indexOf(spec.replace("./", "")) < MODULE_ORDER.indexOf(name), `${name} imports ${spec}`);
    }
  }
});

test("the concatenated modules import as one module with the same API", async () => {
  const text = bundle();
  assert.doesNotMatch(text, /^(?:import|export)\b[^;]*from\s*"\.\//m);
  const url = `data:text/javascript;base64,${Buffer.from(text).toString("base64")}`;
  const single = await import(url);
  for (const name of Object.keys(glir)) {
    assert.equal(typeof single[name], typeof glir[name], name);
  }
  const commands = single.decodeJSON(readFileSync(new URL("./fixtures/hello_triangle.json", import.meta.url), "utf8"));
  assert.equal(commands.length, 12);
  assert.equal(single.GLIR_VERSION, 1);
});
