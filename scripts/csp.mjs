#!/usr/bin/env node
// Trunk post-build hook (see Trunk.toml): puts a Content-Security-Policy <meta> into the staged
// index.html. Trunk writes the page's bootstrap as an inline <script type="module">, whose hash is
// only known once it is built, so the policy is written here, after the build, with the sha256
// of every inline script. Usage: `node scripts/csp.mjs [index.html]`; Trunk gives the staging
// directory in TRUNK_STAGING_DIR.
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const file = process.argv[2] ?? join(process.env.TRUNK_STAGING_DIR ?? 'dist', 'index.html');
const fail = (message) => {
  console.error(`csp.mjs: ${message}`);
  process.exit(1);
};

let html = await readFile(file, 'utf8');
// A second run (trunk serve rebuilds) replaces the policy rather than adding another.
html = html.replace(/<meta\b[^>]*\bhttp-equiv=["']?content-security-policy\b[^>]*>/gi, '');

// Inline scripts: every <script> without src. The hash covers the exact text between the tags.
const hashes = [];
for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
  const [, attributes, body] = match;
  if (/\bsrc\s*=/i.test(attributes)) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
if (hashes.length === 0) fail(`no inline script found in ${file}: has Trunk changed how it boots the page?`);
// Inline handlers (onclick=...) and style attributes would be blocked by this policy: refuse them.
if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(html)) fail('an inline event handler attribute would be blocked by the CSP');
if (/<[a-z][^>]*\sstyle\s*=/i.test(html)) fail('an inline style attribute would be blocked by the CSP');
// Trunk's minifier reorders attributes and drops optional quotes (`<meta content=no-referrer
// name=referrer>`), so tags are matched attribute by attribute.
const metas = [...html.matchAll(/<meta\b[^>]*>/gi)].map((m) => m[0]);
const referrer = metas.some((tag) => /\bname=["']?referrer\b/i.test(tag) && /\bcontent=["']?no-referrer\b/i.test(tag));
if (!referrer) {
  fail('the <meta name="referrer" content="no-referrer"> is missing');
}

const policy = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets the page compile its own WebAssembly, and nothing else (no eval()).
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
  "style-src 'self'",
  // The favicon is a data: SVG.
  "img-src 'self' data:",
  // The relay (or the API, for direct calls) is whatever origin the person types, so any https
  // origin must be reachable; plain http only on loopback, as the form itself allows (a local
  // relay or test tenant). Which origin really gets credentials is the page's confirmation's job.
  // No `http://[::1]:*`: CSP's host-source grammar has no IPv6 literals (Chromium reports it as
  // invalid and ignores it), so an IPv6-loopback relay is blocked here; use http://localhost.
  "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  // frame-ancestors, report-uri and sandbox are ignored in a <meta>: the server sends those
  // (the reference relay sends frame-ancestors 'none'); the page refuses confirming in a frame.
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;

// Right after <meta charset>, before anything the policy governs.
const charset = html.match(/<meta\b[^>]*\bcharset=[^>]*>/i);
if (charset) {
  const at = charset.index + charset[0].length;
  html = html.slice(0, at) + meta + html.slice(at);
} else {
  const head = html.match(/<head\b[^>]*>/i) ?? fail(`no <head> in ${file}`);
  const at = head.index + head[0].length;
  html = html.slice(0, at) + meta + html.slice(at);
}
await writeFile(file, html);
console.log(`csp.mjs: Content-Security-Policy with ${hashes.length} inline script hash(es) written to ${file}`);
