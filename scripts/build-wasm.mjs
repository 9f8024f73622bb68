#!/usr/bin/env node
// Builds the page's WebAssembly and its JavaScript into Trunk's staging directory, and writes the
// bootstrap into the staged index.html. Run first by the Trunk post-build hook (post-build.mjs),
// in place of Trunk's own `rel="rust"` pipeline, which cannot run a step between cargo and
// wasm-bindgen.
//
// Release builds (TRUNK_PROFILE=release) load part of the page on demand (docs/architecture.md,
// "Code loaded on demand"):
//   1. cargo, with the `split` feature (the functions of src/chunks.rs become split points) and
//      `--emit-relocs` (the splitter moves code between modules by its relocations);
//   2. doctor-wasm-split (tools/wasm-split): the main module, one wasm file per split point (and
//      per piece of code several of them share), and the loader `__wasm_split.js`;
//   3. wasm-bindgen --target web on the main module;
//   4. wasm-opt -Oz on the main module and on every chunk;
//   5. every file named after its content (cache busting), the loader's chunk URLs rewritten to
//      those names, and the bootstrap <script type="module"> with preloads of what a first visit
//      needs (not the chunks).
// Other builds (trunk serve, trunk build): plain cargo and wasm-bindgen, no split, no wasm-opt.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NAME = 'agent-state-doctor';
const LOADER = '__wasm_split';
const release = process.env.TRUNK_PROFILE === 'release';
const staging = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? join(root, 'dist');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, 'target');
const work = join(targetDir, 'page', release ? 'release' : 'debug');
const bin = (tool) => join(root, 'node_modules', '.bin', tool);

const fail = (message) => {
  console.error(`build-wasm.mjs: ${message}`);
  process.exit(1);
};
const run = (command, args) => {
  try {
    execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    fail(`${command} ${args.join(' ')} failed${error.status ? ` (exit ${error.status})` : `: ${error.message}`}`);
  }
};
const hash = (...parts) => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest('hex').slice(0, 16);
};
const integrity = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. cargo. `cargo rustc` gives the link argument to the binary only, so the dependencies stay
// the ones every other build of this profile has compiled.
const cargo = ['rustc', '--target', 'wasm32-unknown-unknown', '--bin', NAME];
if (release) cargo.push('--release', '--features', 'split', '--', '-C', 'link-arg=--emit-relocs');
run('cargo', cargo);
const linked = join(targetDir, 'wasm32-unknown-unknown', release ? 'release' : 'debug', `${NAME}.wasm`);

// 2. The split (release only).
let main = linked;
let chunks = [];
if (release) {
  const splitter = process.env.DOCTOR_WASM_SPLIT ?? join(targetDir, 'tools', 'bin', 'doctor-wasm-split');
  run(splitter, [linked, join(work, 'split'), `${NAME}.js`]);
  main = join(work, 'split', 'main.wasm');
  chunks = JSON.parse(readFileSync(join(work, 'split', 'split.json'), 'utf8')).chunks;
}

// 3. wasm-bindgen on the main module. `--keep-lld-exports` keeps the function table exported:
// the chunks import it (through the loader) to install their functions and call back.
run('wasm-bindgen', ['--target', 'web', '--no-typescript', ...(release ? ['--keep-lld-exports'] : []), '--out-name', NAME, '--out-dir', join(work, 'bindgen'), main]);
if (readdirSync(join(work, 'bindgen')).includes('snippets')) fail('wasm-bindgen wrote snippets/ (inline_js): this script does not stage them');

// 4. wasm-opt -Oz on every module (as Trunk's data-wasm-opt="z" did).
const optimised = (input, output) => {
  if (release) run(bin('wasm-opt'), ['-Oz', `--output=${output}`, input]);
  else writeFileSync(output, readFileSync(input));
  return readFileSync(output);
};
mkdirSync(join(work, 'out'), { recursive: true });
const mainWasm = optimised(join(work, 'bindgen', `${NAME}_bg.wasm`), join(work, 'out', `${NAME}_bg.wasm`));
const chunkFiles = new Map(); // splitter's name -> { name, bytes }
for (const chunk of chunks) {
  const bytes = optimised(join(work, 'split', chunk), join(work, 'out', chunk));
  chunkFiles.set(chunk, { name: chunk.replace(/\.wasm$/, `-${hash(bytes)}.wasm`), bytes });
}

// 5. Names from contents. The main module's JavaScript and the loader import each other, so
// they share one hash, taken over both texts (before renaming) and the wasm they load.
let glue = readFileSync(join(work, 'bindgen', `${NAME}.js`), 'utf8');
let loader = release ? readFileSync(join(work, 'split', `${LOADER}.js`), 'utf8') : '';
if (release) {
  // The splitter's fetchers (`fetch(new URL("./split_x.wasm", import.meta.url))` then
  // `instantiateStreaming`) become `__chunk("<hashed name>")`, one function that the
  // single-file page (scripts/single-file.mjs) redefines to instantiate from its own bytes.
  const fetcher = /\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)\);\s*src\.catch\(\(\) => \{\}\);\s*return async \(imports\) => \w*\(WebAssembly\.instantiateStreaming\(src, imports\)\);\s*\}/g;
  let rewritten = 0;
  loader = loader.replace(fetcher, (_, file) => {
    const chunk = chunkFiles.get(file) ?? fail(`the loader fetches ${file}, which the splitter did not list`);
    rewritten++;
    return `__chunk(${JSON.stringify(chunk.name)})`;
  });
  if (rewritten !== chunkFiles.size || /\bfetch\(/.test(loader)) {
    fail(`the loader's fetchers did not match (${rewritten} of ${chunkFiles.size} rewritten): has wasm_split_cli_support changed its JavaScript?`);
  }
  loader = `// The loader of the page's on-demand chunks (written by wasm_split_cli_support, file names by
// scripts/build-wasm.mjs). A chunk is fetched beside this file the first time its code runs.
const __chunk = (file) => () => {
    const src = fetch(new URL(file, import.meta.url));
    src.catch(() => {});
    return async (imports) => WebAssembly.instantiateStreaming(src, imports);
};
${loader}`;
  if (!glue.includes(`from "./${LOADER}.js"`)) fail(`${NAME}.js does not import ./${LOADER}.js`);
  if (!loader.includes(`from "./${NAME}.js"`)) fail(`${LOADER}.js does not import ./${NAME}.js`);
}
const shared = hash(glue, loader, mainWasm, ...[...chunkFiles.values()].map((c) => c.name));
const names = {
  js: `${NAME}-${shared}.js`,
  wasm: `${NAME}-${hash(mainWasm)}_bg.wasm`,
  loader: `${LOADER}-${shared}.js`,
};
// (wasm-bindgen writes one `import * as importN` of the loader per group of imports.)
glue = glue.replaceAll(`from "./${LOADER}.js"`, `from "./${names.loader}"`);
loader = loader.replace(`from "./${NAME}.js"`, `from "./${names.js}"`);

// Stage the files (a rebuild by trunk serve replaces the previous ones).
for (const file of readdirSync(staging)) {
  if (/\.(wasm)$/.test(file) || file.startsWith(`${NAME}-`) || file.startsWith(`${LOADER}-`)) rmSync(join(staging, file));
}
writeFileSync(join(staging, names.js), glue);
writeFileSync(join(staging, names.wasm), mainWasm);
if (release) writeFileSync(join(staging, names.loader), loader);
for (const chunk of chunkFiles.values()) writeFileSync(join(staging, chunk.name), chunk.bytes);

// The bootstrap, as Trunk wrote it for `rel="rust"` (scripts/csp.mjs hashes it), with preloads of
// the first visit's files: the module, the loader it imports, the main wasm. Not the chunks.
const bootstrap = `<script type="module">import init, * as bindings from './${names.js}';
const wasm = await init({ module_or_path: './${names.wasm}' });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));</script>`;
const preloads = [
  `<link rel="modulepreload" href="./${names.js}" crossorigin integrity="${integrity(glue)}">`,
  release ? `<link rel="modulepreload" href="./${names.loader}" crossorigin integrity="${integrity(loader)}">` : '',
  `<link rel="preload" href="./${names.wasm}" as="fetch" type="application/wasm" crossorigin integrity="${integrity(mainWasm)}">`,
].join('');
const indexFile = join(staging, 'index.html');
let html = readFileSync(indexFile, 'utf8');
// A rebuild's earlier bootstrap and preloads go, and so does index.html's skipped
// `<link data-trunk rel="rust" data-trunk-skip>` (it only keeps Trunk from building the crate).
html = html.replace(/<script type="?module"?>\s*import init[\s\S]*?<\/script>|<link\b[^>]*\brel="?(modulepreload|preload)"?[^>]*>|<link\b[^>]*\bdata-trunk\b[^>]*>/g, '');
if (!/<\/head>/i.test(html)) fail('no </head> in the staged index.html');
html = html.replace(/<\/head>/i, () => `${bootstrap}${preloads}</head>`);
writeFileSync(indexFile, html);

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`build-wasm.mjs: ${names.js}, ${names.wasm} (${kb(mainWasm.length)})${release ? `, ${names.loader}` : ''}` +
  [...chunkFiles.values()].map((c) => `, ${c.name} (${kb(c.bytes.length)}, on demand)`).join(''));
