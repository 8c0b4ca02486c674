// axe-core and the review screenshots, shared by the accessibility specs (a11y.spec.ts for the
// pages the suite started with, a11y-pages.spec.ts for the figures, strategy, ownership, guide and
// leaflet pages added since).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from './helpers';

/** WCAG 2.2 A and AA (axe tags every criterion with the version that introduced it). */
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

/** Runs axe on the page as it is: the violations, each with its id, impact, help and nodes. */
export async function axe(page: Page): Promise<{ violations: number; passes: number; report: string }> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`)
        .join('\n');
      return `* ${v.id} (${v.impact ?? 'impact unknown'}): ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
  return { violations: results.violations.length, passes: results.passes.length, report };
}

/** Fails listing each violation (and prints them, so the CI log has the details). */
export async function expectNoViolations(page: Page, what: string, soft = false): Promise<void> {
  const { violations, passes, report } = await axe(page);
  if (report) console.log(`axe violations on ${what}:\n${report}`);
  const check = soft ? expect.soft : expect;
  check(violations, `axe violations on ${what}:\n${report}`).toBe(0);
  // axe really looked at the page.
  check(passes).toBeGreaterThan(0);
}

/** A full-page screenshot for review: e2e/artifacts/<who>-<name>.png. */
export async function capture(page: Page, who: string, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${who}-${name}.png`), fullPage: true });
}
