// Security headers, and a page that loads nothing from elsewhere and logs no console errors.
import { expect, test } from './helpers';

test('the quick-log page sends a strict policy and loads only same-origin resources', async ({ page, baseURL }) => {
  const origin = new URL(baseURL as string).origin;
  const requested: string[] = [];
  const failed: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  const response = await page.goto('/log?practice=Y99901', { waitUntil: 'load' });
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
});
