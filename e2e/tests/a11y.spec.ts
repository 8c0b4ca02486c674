// Accessibility: axe-core finds no WCAG 2.2 AA violations on the quick-log page in each state, nor on
// the "Page not found" page.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, fillValidEpisode, submitLog, test } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the page as it is and fails listing each violation (id, impact, help, nodes). */
async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`)
        .join('\n');
      return `* ${v.id} (${v.impact ?? 'impact unknown'}): ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
  if (report) console.log(`axe violations on ${what}:\n${report}`);
  expect(results.violations.length, `axe violations on ${what}:\n${report}`).toBe(0);
  // axe really looked at the page.
  expect(results.passes.length).toBeGreaterThan(0);
}

test('the quick-log page, fresh', async ({ page }) => {
  await page.goto('/log?practice=Y99901');
  await expectNoViolations(page, '/log (fresh)');
});

test('the quick-log page after a validation error', async ({ page }) => {
  await page.goto('/log?practice=Y99901');
  expect((await submitLog(page)).status()).toBe(422);
  await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
  await expectNoViolations(page, '/log (after a validation error)');
});

test('the quick-log page after logging, with the "Episode logged" card', async ({ page }) => {
  await page.goto('/log?practice=Y99901');
  await fillValidEpisode(page, 'Accessibility check episode');
  expect((await submitLog(page)).status()).toBe(303);
  await expect(page.locator('#logged')).toBeVisible();
  await expectNoViolations(page, '/log (after logging)');
});

test('the "Page not found" page', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expectNoViolations(page, '/no-such-page (404)');
});

// Problems axe does not catch: each was a real bug found while writing this suite, kept as a guard.
test.describe('beyond axe', () => {
  test('the "Episode logged" card title is exposed as a heading', async ({ page }) => {
    await page.goto('/log?practice=Y99901');
    await fillValidEpisode(page, 'Heading role check');
    expect((await submitLog(page)).status()).toBe(303);
    await expect(page.locator('#logged h2')).toHaveText('Episode logged');
    await expect(page.locator('#logged h2')).toHaveRole('heading', { timeout: 1_000 });
  });

  test('inline error messages are part of their control\'s accessible description', async ({ page }) => {
    await page.goto('/log?practice=Y99901');
    await page.locator('#note').fill('NHS 943 476 5919 could not log in');
    expect((await submitLog(page)).status()).toBe(422);
    await expect(page.locator('#note-error')).toBeVisible();
    await expect(page.locator('#helpers-error')).toBeVisible();
    // (The note's hint also mentions "NHS number", so match the error's own wording.)
    await expect.soft(page.locator('#note')).toHaveAccessibleDescription(/looks like an NHS number/, { timeout: 1_000 });
    await expect.soft(page.locator('#helpers')).toHaveAccessibleDescription(/Choose at least one helper/, {
      timeout: 1_000,
    });
  });

  test('the error summary lists problems in the order the fields appear', async ({ page }) => {
    await page.goto('/log?practice=Y99901');
    expect((await submitLog(page)).status()).toBe(422);
    const targets = await page
      .locator('.nhsuk-error-summary a')
      .evaluateAll((as) => as.map((a) => (a.getAttribute('href') ?? '').slice(1)));
    const inPageOrder = await page.evaluate((ids) => {
      const position = (id: string) =>
        Array.from(document.querySelectorAll('[id]')).findIndex((el) => el.id === id);
      return [...ids].sort((a, b) => position(a) - position(b));
    }, targets);
    expect(targets.length).toBeGreaterThan(1);
    expect(targets).toEqual(inPageOrder);
  });
});
