// Uptake pages in the browser: a practice's uptake (the demo's synthetic months, beside the help logged)
// and the analysts' comparison, and England's deprivation quintile chart drawn from the real national
// files in ../shared/data (POMI Apr–Sep 2018, IMD 2019 by practice, the practice map), which global
// setup imports when they are there (without them the England test skips, and under CI fails, naming
// the files missing). axe-core finds no violations on any of them; each is saved as a
// screenshot in e2e/artifacts/ for review.
import type { Page } from '@playwright/test';
import path from 'node:path';
import { capture, expectNoViolations } from './axe';
import { authFile, expect, PRACTICE, skipWithout, test } from './helpers';

/** The national files global setup could not find (comma-separated), or '' when it imported them all. */
const nationalMissing = process.env.LANTERN_E2E_NATIONAL_MISSING ?? 'global-setup.ts did not run';

async function open(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(200);
}

test.describe('a practice lead', () => {
  test.use({ storageState: authFile('manager') });

  test('sees the practice uptake, its trend, peers and the help logged beside it', async ({ page }) => {
    await open(page, '/uptake');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Uptake of online services');
    await expect(page.getByText('Synthetic data', { exact: true }).first()).toBeVisible();
    await expect(page.locator('#figure-enabled')).toHaveText(/^\d+\.\d%$/);
    await expect(page.getByRole('img', { name: /registered for online services, by month/ })).toBeVisible();
    const peers = page.locator('#peers');
    await expect(peers.getByRole('rowheader', { name: new RegExp(PRACTICE) })).toContainText('This practice');
    await expect(page.locator('#hidden-figures')).toContainText('Episodes of help logged');
    await capture(page, 'manager', 'uptake');
    await expectNoViolations(page, 'manager: uptake');

    // Another month, chosen with the form.
    await page.getByLabel('Month', { exact: true }).selectOption('2026-03');
    await Promise.all([page.waitForURL(/period=2026-03/), page.getByRole('button', { name: 'Show' }).click()]);
    await expect(page.locator('#period-label')).toHaveText('2026-03');
    await expectNoViolations(page, 'manager: uptake in March');
  });

  test('is told plainly when a practice has no figures', async ({ page }) => {
    const response = await page.goto('/uptake?practice=Z99999');
    expect(response?.status()).toBe(404);
    await expect(page.locator('.nhsuk-error-summary')).toContainText('no published uptake figures are held for Z99999');
    await expectNoViolations(page, 'manager: uptake, unknown practice');
  });
});

test.describe('an analyst', () => {
  test.use({ storageState: authFile('analyst') });

  test('compares the practices of their network and sorts them', async ({ page }) => {
    await open(page, '/network/uptake');
    await expect(page.locator('#units')).toContainText('Riverside Surgery (synthetic)');
    await expect(page.locator('svg.lantern-sparkline').first()).toBeAttached();
    await page.getByRole('link', { name: 'Name', exact: true }).click();
    await expect(page.locator('#units th[aria-sort]')).toHaveAttribute('aria-sort', 'ascending');
    const names = await page.locator('#units tbody th').allTextContents();
    expect(names.map((n) => n.trim())).toEqual([...names.map((n) => n.trim())].sort());
    await capture(page, 'analyst', 'uptake-network');
    await expectNoViolations(page, 'analyst: uptake compared');
  });

  test('loads a published file through the upload page', async ({ page }) => {
    await open(page, '/network/uptake/import');
    await expectNoViolations(page, 'analyst: load published data');
    await page.getByLabel(/Patient Online Management Information/).check();
    const fixture = path.join(__dirname, '../../crates/lantern-import/tests/fixtures/POMI_APR2018_to_SEP2018.first2000rows.csv');
    await page.getByLabel('The file').setInputFiles(fixture);
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/network/uptake/import') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Load the file' }).click(),
    ]);
    await expect(page.locator('#loaded')).toContainText('rows read: 2000');
    await expect(page.locator('#loaded')).toContainText('practice-months: 154');
    await capture(page, 'analyst', 'uptake-import');
    await expectNoViolations(page, 'analyst: load published data, loaded');
  });

  test("sees England's deprivation quintile chart from the national files", async ({ page }) => {
    if (nationalMissing) skipWithout(`the national files ${nationalMissing} (set LANTERN_SHARED_DATA to the shared data folder)`);
    await open(page, '/network/uptake?level=england&period=2018-09');
    const chart = page.getByRole('img', { name: /by deprivation quintile, England, 2018-09/ });
    await expect(chart).toBeVisible();
    await expect(chart.locator('rect')).toHaveCount(5);
    const rows = page.locator('#quintiles tbody tr');
    await expect(rows).toHaveCount(5);
    await expect(page.locator('#gap')).toContainText('most deprived fifth');
    // NHS England's regions as the 2018 file gives them.
    expect(await page.locator('#units tbody tr').count()).toBeGreaterThanOrEqual(4);
    // The table shows the latest month held: the demo's synthetic months (with its offer's built-in
    // effect) run past the real file's last month, and say they are synthetic.
    await expect(page.locator('#oc-table caption')).toContainText(/\d{4}-\d{2} \(the latest month held\)/);
    await expect(page.locator('#oc-table')).toContainText('Demo region (synthetic)');
    // The published file's last month (March 2025) is still held, England-wide, over the API.
    const published = await page.request.get('/api/v1/uptake/online-consultations?level=england&period=2025-03');
    expect(published.status()).toBe(200);
    expect(JSON.stringify(await published.json())).toContain('2025-03');
    await capture(page, 'analyst', 'uptake-england');
    await expectNoViolations(page, 'analyst: uptake compared, England 2018-09');
  });
});
