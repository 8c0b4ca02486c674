// axe-core and the review screenshots, shared by the accessibility specs (a11y.spec.ts for the
// pages the suite started with, a11y-pages.spec.ts for the figures, strategy, ownership, guide and
// leaflet pages added since).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './helpers';

/** WCAG 2.2 A and AA (axe tags every criterion with the version that introduced it). */
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

/**
 * A violation already reported as an app bug, allowed (exactly that rule on exactly that element)
 * until it is fixed. Strict: once the page no longer has it, the check fails saying to remove it.
 */
export interface KnownViolation {
  rule: string;
  /** The node's target as axe gives it (its CSS selector). */
  target: string;
  /** Where the bug is and how to fix it. */
  bug: string;
}

interface Found {
  id: string;
  targets: string[];
  text: string;
}

/** Runs axe on the page as it is: the violations, each with its id, impact, help and nodes. */
export async function axe(page: Page): Promise<{ found: Found[]; passes: number }> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = results.violations.map((v) => {
    const nodes = v.nodes
      .map((n) => `    - ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`)
      .join('\n');
    return {
      id: v.id,
      targets: v.nodes.map((n) => n.target.join(' ')),
      text: `* ${v.id} (${v.impact ?? 'impact unknown'}): ${v.help}\n  ${v.helpUrl}\n${nodes}`,
    };
  });
  return { found, passes: results.passes.length };
}

/**
 * Fails listing each violation (and prints them, so the CI log has the details). `known` violations
 * are left out of the count and noted on the test; each must still be there.
 */
export async function expectNoViolations(page: Page, what: string, soft = false, known: KnownViolation[] = []): Promise<void> {
  const { found, passes } = await axe(page);
  const isKnown = (v: Found) => v.targets.length > 0 && v.targets.every((t) => known.some((k) => k.rule === v.id && k.target === t));
  const unexpected = found.filter((v) => !isKnown(v));
  const report = unexpected.map((v) => v.text).join('\n');
  if (report) console.log(`axe violations on ${what}:\n${report}`);
  const check = soft ? expect.soft : expect;
  check(unexpected.length, `axe violations on ${what}:\n${report}`).toBe(0);
  for (const k of known) {
    const still = found.some((v) => v.id === k.rule && v.targets.includes(k.target));
    test.info().annotations.push({ type: 'known app bug', description: `${k.rule} on ${k.target}: ${k.bug}` });
    check(still, `${k.rule} on ${k.target} is fixed: remove it from the known violations (${k.bug})`).toBe(true);
  }
  // axe really looked at the page.
  check(passes).toBeGreaterThan(0);
}

/** A full-page screenshot for review: e2e/artifacts/<who>-<name>.png. */
export async function capture(page: Page, who: string, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${who}-${name}.png`), fullPage: true });
}
