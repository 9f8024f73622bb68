// The accessibility audit: axe-core (from package-lock.json) run inside the page, WCAG 2.1 A/AA
// plus best practices. Any test can call `auditPage(page, label)` on whatever view it has drawn.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
let axeSource;

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * The one exception, narrow and explained. An opened check is an ARIA treeitem named by its
 * head (`aria-labelledby`) that holds its body and a `role=group` of branches, as the APG tree
 * pattern nests them; axe's experimental label-content-name-mismatch counts the opened body's
 * text as the item's own visible text. A closed check and every branch are held to the rule.
 */
const EXCEPTIONS = [
  { rule: 'label-content-name-mismatch', selector: 'li[role=treeitem][aria-expanded=true]' },
];

/** Every audit done in this process: `{ label, passed, inapplicable, incomplete }`, for a summary. */
export const audited = [];

/**
 * Runs axe on `page` as it is now and fails on any violation, listing each rule, its help text
 * and the elements with what axe says about them. Answers the counts, and records them.
 *
 * axe goes in through `page.evaluate` with its source, not `page.addScriptTag`: the page's CSP
 * (`script-src 'self' 'wasm-unsafe-eval' 'sha256-...'`) blocks an injected inline script, and
 * `bypassCSP` would need a context of its own and would audit a page that is not the one people
 * get. Playwright's evaluate runs through the DevTools protocol, which the CSP does not govern, so
 * the page keeps its real policy while audited (and a CSP report from axe would show as a test
 * failure in `page.problems`).
 */
export async function auditPage(page, label) {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async ([tags, exceptions]) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    const excepted = (id, node) => exceptions.some((e) => e.rule === id
      && document.querySelector(node.target[0])?.matches(e.selector));
    for (const v of r.violations) v.nodes = v.nodes.filter((n) => !excepted(v.id, n));
    r.violations = r.violations.filter((v) => v.nodes.length > 0);
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
      })),
      passed: r.passes.map((p) => p.id),
      inapplicable: r.inapplicable.length,
      incomplete: r.incomplete.map((p) => p.id),
    };
  }, [AXE_TAGS, EXCEPTIONS]);
  const line = `${label}: ${result.passed.length} rules passed, ${result.violations.length} violated, `
    + `${result.incomplete.length} for a person to review (${result.incomplete.join(', ') || 'none'}), `
    + `${result.inapplicable} not applicable`;
  console.log(`axe ${line}`);
  audited.push({ label, passed: result.passed.length, incomplete: result.incomplete, inapplicable: result.inapplicable });
  const report = result.violations
    .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`)
    .join('\n');
  assert.equal(result.violations.length, 0, `axe found violations on ${label}:\n${report}`);
  return result;
}

/** Audits the page as drawn in light and in dark (the stylesheet follows `prefers-color-scheme`). */
export async function auditBothThemes(page, label) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await auditPage(page, `${label} [${colorScheme}]`);
  }
  await page.emulateMedia({ colorScheme: null });
}
