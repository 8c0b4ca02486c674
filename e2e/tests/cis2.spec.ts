// Signing in through NHS CIS2, against the local test provider (crates/oidc-test-issuer) that global
// setup starts: a practice manager new to Lantern waits for approval, their practice's lead approves,
// and they land on that practice's dashboard; a person at another practice sees nothing of it. axe
// checks the new pages (waiting, the requests page, the refusal). The `postgres` project runs it again
// against the server on PostgreSQL.
import type { Browser, Page } from '@playwright/test';
import { expectNoViolations } from './axe';
import { POSTGRES_PROJECT } from '../postgres';
import { expect, PRACTICE, ROLES, signIn, test } from './helpers';
import { contextAs } from './practice';

const OTHER_PRACTICE = 'Y99902';

/** A CIS2 UID for this run, so a rerun against the same database starts with a new person. */
function uid(): string {
  return `55${Date.now().toString().slice(-10)}`;
}

async function provider(path: string, body: unknown): Promise<void> {
  const url = process.env.LANTERN_E2E_OIDC_ISSUER;
  if (!url) throw new Error('LANTERN_E2E_OIDC_ISSUER is not set: global-setup.ts did not start the provider');
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `POST ${path} to the test provider`).toBe(204);
}

/** The provider will sign in as this person, a practice manager (R8008) at `org`. */
async function signInAs(sub: string, name: string, org: string): Promise<void> {
  const roleid = `${sub}01`;
  await provider('/_test/fault', { fault: 'none' });
  await provider('/_test/person', {
    sub,
    name,
    roles: [{ person_roleid: roleid, org_code: org, role_code: 'S8000:G8000:R8008', role_name: 'Practice Manager' }],
    selected_roleid: roleid,
  });
}

/** From a signed-out browser: the dashboard, sign-in, the CIS2 button, and back from the provider. */
async function throughCis2(page: Page): Promise<void> {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByRole('link', { name: 'Sign in with NHS Care Identity Service' }).click();
  await page.waitForURL(/\/sign-in\/oidc\/callback|\/dashboard/);
}

/**
 * A browser context signed in as `role` on this project's server: the saved session for the SQLite
 * server; on PostgreSQL (whose accounts global setup did not sign in) through the sign-in form.
 */
async function signedInAs(browser: Browser, baseURL: string, role: 'manager' | 'admin') {
  if (test.info().project.name !== POSTGRES_PROJECT) return contextAs(browser, baseURL, role);
  const context = await browser.newContext({ baseURL });
  await signIn(await context.newPage(), ROLES[role].username);
  return context;
}

async function approveAs(browser: Browser, baseURL: string, role: 'manager' | 'admin', name: string, check = false): Promise<void> {
  const context = await signedInAs(browser, baseURL, role);
  const page = await context.newPage();
  await page.goto('/sign-in-requests');
  await expect(page.getByRole('heading', { name: 'Sign-in requests', level: 1 })).toBeVisible();
  if (check) await expectNoViolations(page, `${role}: sign-in requests`);
  await page.getByRole('button', { name: `Approve ${name}` }).click();
  await expect(page.locator('#done')).toContainText('Approved');
  await context.close();
}

test('a practice manager signs in through CIS2, is approved, and lands on their practice dashboard', async ({ browser, baseURL, page }) => {
  const name = 'Pat Cistwo';
  await signInAs(uid(), name, PRACTICE);
  await throughCis2(page);
  await expect(page.getByRole('heading', { name: 'Your access is waiting for approval' })).toBeVisible();
  await expectNoViolations(page, 'waiting for approval');
  await page.goto('/dashboard');
  await expect(page, 'no access while waiting').toHaveURL(/\/sign-in/);

  await approveAs(browser, baseURL as string, 'manager', name, true);

  await throughCis2(page);
  await page.waitForURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hidden work');
  await expect(page.locator('body')).toContainText(PRACTICE);
  await expectNoViolations(page, 'dashboard after CIS2 sign-in');
});

test('a person at another practice sees nothing of this one', async ({ browser, baseURL, page }) => {
  const name = 'Olu Elsewhere';
  await signInAs(uid(), name, OTHER_PRACTICE);
  await throughCis2(page);
  await expect(page.getByRole('heading', { name: 'Your access is waiting for approval' })).toBeVisible();
  // The lead of the demo practice is not asked: the request is for another practice.
  const lead = await signedInAs(browser, baseURL as string, 'manager');
  const leadPage = await lead.newPage();
  await leadPage.goto('/sign-in-requests');
  await expect(leadPage.locator('main')).not.toContainText(name);
  await lead.close();
  await approveAs(browser, baseURL as string, 'admin', name);

  await throughCis2(page);
  await page.waitForURL(/\/dashboard$/);
  await expect(page.locator('body')).toContainText(OTHER_PRACTICE);
  await expect(page.locator('body')).not.toContainText(PRACTICE);
  const theirs = await page.goto(`/dashboard?practice=${PRACTICE}`);
  expect(theirs?.status(), `${PRACTICE}'s dashboard is not found for them`).toBe(404);
});

test('a token for another service is refused with a clear page', async ({ page }) => {
  await signInAs(uid(), 'Wren Wrongaud', PRACTICE);
  await provider('/_test/fault', { fault: 'wrong_audience' });
  await throughCis2(page);
  await expect(page.getByRole('heading', { name: 'You could not be signed in' })).toBeVisible();
  await expect(page.locator('main')).toContainText('issued for another service');
  await expectNoViolations(page, 'CIS2 sign-in refused');
  await provider('/_test/fault', { fault: 'none' });
});
