#!/usr/bin/env node
// Run by the Trunk post-build hook (scripts/post-build.mjs): puts a Content-Security-Policy <meta> into the staged
// index.html. Trunk writes the page's bootstrap as an inline <script type="module">, whose hash is
// only known once it is built, so the policy is written here, after the build, with the sha256
// of every inline script (and of every inline <style>: the single-file page has one). Usage:
// `node scripts/csp.mjs [index.html]`; Trunk gives the staging directory in TRUNK_STAGING_DIR.
// scripts/single-file.mjs imports `withPolicy` for the single-file page.
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// Script types a browser runs; any other type (application/json, ...) is a data block, which the
// CSP does not govern and which needs no hash.
const RUNS = /^\s*$|^\s*(module|(text|application)\/(x-)?(java|ecma)script)\s*$/i;

/** `html` with its Content-Security-Policy <meta> (re)written; throws what is wrong with it. */
export function withPolicy(html, file = 'the page') {
  // A second run (trunk serve rebuilds) replaces the policy rather than adding another.
  html = html.replace(/<meta\b[^>]*\bhttp-equiv=["']?content-security-policy\b[^>]*>/gi, '');

  // Inline scripts: every <script> without src that a browser runs. The hash covers the exact
  // text between the tags.
  const hashes = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const [, attributes, body] = match;
    if (/\bsrc\s*=/i.test(attributes)) continue;
    const type = attributes.match(/\btype\s*=\s*["']?([^"'\s>]*)/i)?.[1] ?? '';
    if (!RUNS.test(type)) continue;
    hashes.push(sha256(body));
  }
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)].map((m) => sha256(m[1]));
  if (hashes.length === 0) throw new Error(`no inline script found in ${file}: has Trunk changed how it boots the page?`);
  // Inline handlers (onclick=...) and style attributes would be blocked by this policy: refuse them.
  if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(html)) throw new Error('an inline event handler attribute would be blocked by the CSP');
  if (/<[a-z][^>]*\sstyle\s*=/i.test(html)) throw new Error('an inline style attribute would be blocked by the CSP');
  // Trunk's minifier reorders attributes and drops optional quotes (`<meta content=no-referrer
  // name=referrer>`), so tags are matched attribute by attribute.
  const metas = [...html.matchAll(/<meta\b[^>]*>/gi)].map((m) => m[0]);
  const referrer = metas.some((tag) => /\bname=["']?referrer\b/i.test(tag) && /\bcontent=["']?no-referrer\b/i.test(tag));
  if (!referrer) throw new Error('the <meta name="referrer" content="no-referrer"> is missing');

  const policy = [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets the page compile its own WebAssembly, and nothing else (no eval()).
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
    ["style-src 'self'", ...styles].join(' '),
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
  const head = charset ?? html.match(/<head\b[^>]*>/i);
  if (!head) throw new Error(`no <head> in ${file}`);
  const at = head.index + head[0].length;
  return { html: html.slice(0, at) + meta + html.slice(at), scripts: hashes.length, styles: styles.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const file = process.argv[2] ?? join(process.env.TRUNK_STAGING_DIR ?? 'dist', 'index.html');
  try {
    const { html, scripts } = withPolicy(await readFile(file, 'utf8'), file);
    await writeFile(file, html);
    console.log(`csp.mjs: Content-Security-Policy with ${scripts} inline script hash(es) written to ${file}`);
  } catch (error) {
    console.error(`csp.mjs: ${error.message}`);
    process.exit(1);
  }
}
