#!/usr/bin/env node
// The Trunk post-build hook (Trunk.toml). Trunk starts the hooks of one stage at the same time,
// so the steps that depend on each other's files are one hook, run in order here: the page's
// WebAssembly, JavaScript and bootstrap (build-wasm.mjs), the CSP of index.html (csp.mjs), then
// the single-file page built from it (single-file.mjs).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const script of ['build-wasm.mjs', 'csp.mjs', 'single-file.mjs']) {
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], { stdio: 'inherit' });
  } catch {
    process.exit(1);
  }
}
