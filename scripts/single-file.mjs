#!/usr/bin/env node
// Run by the Trunk post-build hook (scripts/post-build.mjs), after csp.mjs: writes `agent-state-doctor.html`, the
// whole page in one file (CSS, JavaScript and WebAssembly inside), which works opened from disk
// (origin `null`), bookmarked with a fragment, or attached to an email. Release builds only
// (TRUNK_PROFILE=release), unless given a staging directory: `node scripts/single-file.mjs dist`.
//
// - The stylesheet becomes a <style>, hashed into the policy like the scripts.
// - wasm-bindgen's JavaScript module becomes one inline <script type="module"> with the bootstrap
//   after it; the WebAssembly rides in it as base64 and is handed to the init function as bytes
//   (a page opened from disk may fetch nothing, not even its own files). So do the on-demand
//   chunks and their loader (scripts/build-wasm.mjs): one file holds the whole page.
// - The site's defaults sit in a <script type="application/json" id="site-config"> block that an
//   admin edits by hand; a data block runs nothing and the CSP does not govern it.
// - The same Content-Security-Policy as index.html, with this file's own hashes.
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withPolicy } from './csp.mjs';

const OUTPUT = 'agent-state-doctor.html';
const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist';
if (!process.argv[2] && process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== 'release') {
  console.log(`single-file.mjs: ${process.env.TRUNK_PROFILE} build, no ${OUTPUT} (release builds write it)`);
  process.exit(0);
}
const fail = (message) => {
  console.error(`single-file.mjs: ${message}`);
  process.exit(1);
};

let html = await readFile(join(dir, 'index.html'), 'utf8');
const files = await readdir(dir);
if (files.includes('snippets')) fail('wasm-bindgen wrote snippets/ (inline_js): they would need inlining too');

// The bootstrap Trunk wrote: `import init, * as bindings from './x.js'; ... init({ module_or_path: './x_bg.wasm' })`.
const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)];
const boot = scripts.find(([, attributes, body]) => /type=["']?module/i.test(attributes) && /\bimport\b/.test(body));
if (!boot) fail("no bootstrap module script in index.html: has Trunk changed how it boots the page?");
const jsName = boot[2].match(/from\s*["']\.\/([^"']+\.js)["']/)?.[1] ?? fail('the bootstrap imports no ./*.js');
const wasmName = boot[2].match(/["']\.\/([^"']+_bg\.wasm)["']/)?.[1] ?? fail('the bootstrap names no ./*_bg.wasm');

// wasm-bindgen's module, its exports dropped so that it runs inline (one module, no imports).
let glue = await readFile(join(dir, jsName), 'utf8');

// The loader of the on-demand chunks (scripts/build-wasm.mjs), which the module imports: inlined
// as an object of its exports, in its own scope, with every chunk's bytes inside this file. Its
// `__chunk(file)` instantiates from those bytes instead of fetching (nothing can be fetched
// here); a chunk is still compiled only when its code is first used.
// wasm-bindgen writes one `import * as importN` of it per group of imports: all name the object.
const loaderImports = [...glue.matchAll(/^import \* as ([A-Za-z_$][\w$]*) from ["']\.\/(__wasm_split-[^"']+\.js)["'];?[ \t]*$/gm)];
let loaderScope = '';
if (loaderImports.length > 0) {
  const [, binding, loaderName] = loaderImports[0];
  if (loaderImports.some((m) => m[2] !== loaderName)) fail(`${jsName} imports two different loaders`);
  let loader = await readFile(join(dir, loaderName), 'utf8');
  loader = loader.replace(new RegExp(`^import \\{ initSync \\} from ["']\\./${jsName.replace(/[.$]/g, '\\$&')}["'];?[ \t]*$`, 'm'), '');
  if (/^\s*import\b/m.test(loader)) fail(`${loaderName} imports something other than initSync from ${jsName}`);
  const exported = [];
  loader = loader.replace(/^export const ([A-Za-z_$][\w$]*)/gm, (_, name) => {
    exported.push(name);
    return `const ${name}`;
  });
  if (/^\s*export\b/m.test(loader) || exported.length === 0) fail(`${loaderName} has exports this script does not understand`);
  const chunks = {};
  for (const [, name] of loader.matchAll(/__chunk\("([^"]+\.wasm)"\)/g)) {
    chunks[name] = (await readFile(join(dir, name))).toString('base64');
  }
  const fetcher = /^const __chunk = \(file\) => \(\) => \{[\s\S]*?^\};$/m;
  if (!fetcher.test(loader)) fail(`${loaderName} has no __chunk(file) to redefine`);
  loader = loader.replace(fetcher, () => `const __inline = ${JSON.stringify(chunks)};
const __chunk = (file) => () => async (imports) => {
    const text = atob(__inline[file]);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return WebAssembly.instantiate(bytes, imports);
};`);
  for (const [line] of loaderImports) glue = glue.replace(line, '');
  const aliases = loaderImports.slice(1).map((m) => `const ${m[1]} = ${binding};\n`).join('');
  loaderScope = `\n// The on-demand chunks' loader, with the chunks inside this file.\nconst ${binding} = (() => {\n${loader}\nreturn { __proto__: null, ${exported.join(', ')} };\n})();\n${aliases}`;
}
if (/^\s*import\b/m.test(glue)) fail(`${jsName} imports other modules`);
glue = glue
  .replace(/^export\s+default\s+([A-Za-z_$][\w$]*)\s*;?\s*$/m, '')
  .replace(/^export\s*\{[^}]*\}\s*;?\s*$/gm, '')
  .replace(/^export\s+(?=(async\s+)?(function|class|const|let|var)\b)/gm, '');
if (/^\s*export\b/m.test(glue)) fail(`${jsName} has an export this script does not understand`);
if (!/\bfunction __wbg_init\b|\basync function __wbg_init\b/.test(glue)) fail(`${jsName} has no __wbg_init`);
const wasm = (await readFile(join(dir, wasmName))).toString('base64');
const module = `${glue}${loaderScope}
// The WebAssembly, inside this file (a page opened from disk may fetch nothing).
{
  const text = atob(${JSON.stringify(wasm)});
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  await __wbg_init({ module_or_path: bytes });
}
`.replace(/<\/script/gi, '<\\/script');

// The stylesheet, inline.
const styleLink = html.match(/<link\b[^>]*\brel=["']?stylesheet\b[^>]*>/i) ?? fail('no stylesheet link in index.html');
const cssName = styleLink[0].match(/\bhref=["']?(?:\.\/)?([^"'\s>]+\.css)/i)?.[1] ?? fail('the stylesheet link has no href');
const css = (await readFile(join(dir, cssName), 'utf8')).replace(/<\/style/gi, '<\\/style');

const config = `<!-- Site defaults: edit the JSON below by hand (keys: relay, profile, environment,
     api_host, timeout, issuer, api_version), e.g. {"relay": "https://relay.example/relay/",
     "environment": "prod", "timeout": "15"}. An empty object means the built-in defaults. -->
<script type="application/json" id="site-config">{}</script>`;

html = html
  // Preloads of files this page no longer has.
  .replace(/<link\b[^>]*\brel=["']?(modulepreload|preload)\b[^>]*>/gi, '')
  .replace(styleLink[0], () => `<style>${css}</style>`)
  .replace(boot[0], () => `${config}<script type="module" data-single-file>${module}</script>`);

let result;
try {
  result = withPolicy(html, OUTPUT);
} catch (error) {
  fail(error.message);
}
await writeFile(join(dir, OUTPUT), result.html);
console.log(`single-file.mjs: ${join(dir, OUTPUT)} (${(result.html.length / 1024).toFixed(0)} KB, ${result.scripts} inline script hash(es), ${result.styles} style hash(es))`);
