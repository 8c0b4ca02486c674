// Security headers, cookies, and pages that load nothing from elsewhere and log no console errors.
import type { Page } from '@playwright/test';
import { authFile, expect, ROLES, signIn, test } from './helpers';

/** Opens `path` and checks the policy, the same-origin loads and the console; returns nothing. */
async function expectStrictAndSelfContained(page: Page, baseURL: string, path: string): Promise<void> {
  const origin = new URL(baseURL).origin;
  const requested: string[] = [];
  const failed: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  const response = await page.goto(path, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');

  // Let anything late (icons, fonts the stylesheet names) be requested too.
  await page.waitForLoadState('networkidle');

  expect(requested.length, 'the page and its assets were requested').toBeGreaterThan(1);
  const foreign = requested.filter((url) => new URL(url).origin !== origin);
  expect(foreign, 'requests to other origins').toEqual([]);
  expect(failed, 'failed requests').toEqual([]);
  expect(consoleErrors, 'console errors').toEqual([]);
}

test('the sign-in page sends a strict policy and loads only same-origin resources', async ({ page, baseURL }) => {
  await expectStrictAndSelfContained(page, baseURL as string, '/sign-in');
});

test('signing in sets a session cookie scripts cannot read and other sites cannot send', async ({ page, context }) => {
  await signIn(page, ROLES.reception.username);
  const session = (await context.cookies()).find((c) => c.name === 'lantern_session');
  expect(session, 'a lantern_session cookie').toBeTruthy();
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Strict');
  expect(session?.path).toBe('/');
  expect(await page.evaluate(() => document.cookie), 'no cookie is visible to scripts').toBe('');
});

test.describe('signed in', () => {
  test.use({ storageState: authFile('reception') });

  test('the quick-log page sends a strict policy and loads only same-origin resources', async ({ page, baseURL }) => {
    await expectStrictAndSelfContained(page, baseURL as string, '/log');
  });
});
