// Signing in, and the demo accounts. Kept free of Playwright's `test` so global-setup.ts can use it too.
//
// `lantern demo` creates one account per role, all with the same (printed, synthetic) password.
import type { Page } from '@playwright/test';
import path from 'node:path';

export const DEMO_PASSWORD = 'lantern-demo-password';

export const ROLES = {
  reception: { username: 'reception@demo', label: 'Practice staff', home: '/log' },
  manager: { username: 'manager@demo', label: 'Practice manager or digital lead', home: '/log' },
  analyst: { username: 'analyst@demo', label: 'PCN or ICB analyst', home: '/network' },
  researcher: { username: 'researcher@demo', label: 'Researcher', home: '/account' },
  admin: { username: 'admin@demo', label: 'System administrator', home: '/log' },
} as const;

export type Role = keyof typeof ROLES;
export const ALL_ROLES = Object.keys(ROLES) as Role[];

/**
 * Where global-setup.ts leaves each role's signed-in browser state (cookies) and what it found:
 * test-results/.auth/<run>/, one folder per run (named by the server's port) so that two runs in one
 * checkout at once cannot swap each other's cookies (a cookie is kept per host, not per port). Global
 * setup passes the folder to the workers in LANTERN_E2E_AUTH_DIR and removes it at the end.
 */
export const AUTH_ROOT = path.join(__dirname, '..', 'test-results', '.auth');

export function authDir(): string {
  // Test files are also loaded once before global setup runs (to list the tests): the placeholder
  // is never read.
  return process.env.LANTERN_E2E_AUTH_DIR || path.join(AUTH_ROOT, 'not-set-up');
}

/** The saved browser state of `role`, for `test.use({ storageState: authFile(role) })`. */
export function authFile(role: Role): string {
  return path.join(authDir(), `${role}.json`);
}

/** What has focus: its id, tag and (for buttons and links) its text. Reading only, no interaction. */
export function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      id: el?.id ?? '',
      tag: el?.tagName.toLowerCase() ?? '',
      text: (el?.textContent ?? '').trim(),
    };
  });
}

/** Presses Tab until the element with this id has focus; fails, listing the path, after `max` presses. */
export async function tabTo(page: Page, id: string, max = 60): Promise<void> {
  const trail: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.id === id) return;
    trail.push(now.id ? `#${now.id}` : `${now.tag}(${now.text.slice(0, 20)})`);
  }
  throw new Error(`Tab never reached #${id}; focus went: ${trail.join(' → ')}`);
}

/**
 * Signs in with the keyboard, the way someone at a desk would: Tab to Username, type, Tab to Password,
 * type, Enter. Opens /sign-in first unless the page is already there (e.g. after a redirect with
 * `next=`). Resolves once the browser has left the sign-in page; throws, quoting the page's error,
 * if the server did not accept the sign-in.
 */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  if (!page.url().includes('/sign-in')) await page.goto('/sign-in');
  await tabTo(page, 'username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  const now = await focused(page);
  if (now.id !== 'password') throw new Error(`Tab from Username went to ${now.tag}#${now.id}, not Password`);
  await page.keyboard.type(password);
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in',
  );
  await page.keyboard.press('Enter');
  const response = await posted;
  if (response.status() !== 303) {
    await page.waitForLoadState();
    const problem = await page.locator('.nhsuk-error-summary').textContent().catch(() => null);
    throw new Error(`signing in as ${username} answered ${response.status()}: ${problem?.trim() ?? '(no message)'}`);
  }
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}
