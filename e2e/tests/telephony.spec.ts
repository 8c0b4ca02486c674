// The uptake page's "Telephony (Cloud Based Telephony)" section in the browser, on the repository's
// real telephony fixtures, which global setup imports: a practice with its own account in the
// publication summary (E81615, November 2025), one with its own account in the daily files (G81001,
// June 2026), and the demo's practice, in neither ("not reported", beside its synthetic uptake).
// axe-core finds no violations on any of them; each is saved as a screenshot in e2e/artifacts/.
import type { Page } from '@playwright/test';
import { capture, expectNoViolations } from './axe';
import { authFile, expect, PRACTICE, test } from './helpers';

async function open(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(200);
}

test.describe('a practice lead', () => {
  test.use({ storageState: authFile('manager') });

  test('sees a practice\'s calls and their outcomes from the publication summary', async ({ page }) => {
    await open(page, '/uptake?practice=E81615');
    await expect(page.getByRole('heading', { level: 2, name: 'Telephony (Cloud Based Telephony)' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Inbound calls and their outcomes, November 2025' });
    await expect(table.getByRole('row', { name: /Inbound calls/ })).toContainText('2,068');
    await expect(table.getByRole('row', { name: /Answered/ })).toContainText('83.8% of inbound');
    await expect(page.locator('#telephony-not-reported-daily')).toHaveText('Not reported for June 2026 (missing, not zero).');
    await capture(page, 'manager', 'uptake-telephony-summary');
    await expectNoViolations(page, 'manager: uptake, telephony summary');
  });

  test('sees calls answered by time waited from the daily files', async ({ page }) => {
    await open(page, '/uptake?practice=G81001');
    const table = page.getByRole('table', { name: 'Calls answered by time waited, June 2026' });
    await expect(table.getByRole('rowheader', { name: 'All calls answered' })).toBeVisible();
    await expect(page.locator('#telephony-days')).toContainText('Held for');
    await capture(page, 'manager', 'uptake-telephony-daily');
    await expectNoViolations(page, 'manager: uptake, telephony daily');
  });

  test('is told a practice in neither source is not reported, not zero', async ({ page }) => {
    await open(page, `/uptake?practice=${PRACTICE}`);
    await expect(page.locator('#telephony-not-reported')).toHaveText('Not reported for November 2025 (missing, not zero).');
    await expect(page.locator('#telephony-not-reported-daily')).toHaveText('Not reported for June 2026 (missing, not zero).');
    await expectNoViolations(page, 'manager: uptake, telephony not reported');
  });
});
