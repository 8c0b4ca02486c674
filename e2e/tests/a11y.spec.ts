// Accessibility: axe-core (WCAG 2.2 AA tags) finds no violations on any page any role can open, in
// each state that page has (fresh, with errors, after an action). Signed out: the sign-in page and
// "Page not found". Each page visited is also saved as a full-page screenshot,
// e2e/artifacts/<role>-<page>.png, for people to review.
//
// The figures, strategy, ownership, guide and leaflet pages (and their states) are in
// a11y-pages.spec.ts.
import type { Page } from '@playwright/test';
import { capture, expectNoViolations } from './axe';
import {
  authFile,
  clearHelper,
  editLink,
  type Episode,
  expect,
  expectForbiddenPage,
  fillValidEpisode,
  logEpisode,
  nextPost,
  PRACTICE,
  submitLog,
  test,
  undoLogged,
  type Role,
} from './helpers';

type Who = Role | 'signed-out';
const EPISODE_ROLES: Role[] = ['reception', 'manager', 'admin'];
const SETTINGS_ROLES: Role[] = ['manager', 'admin'];
const EVERY_ROLE: Role[] = ['reception', 'manager', 'analyst', 'researcher', 'admin'];

interface Visit {
  /** The page and state, as in the screenshot's name. */
  name: string;
  who: Who[];
  /** Goes there, brings the page to its state, and checks it is the page expected. */
  open(page: Page, who: Who): Promise<void>;
}

async function open200(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(200);
}

/** An episode at the practice that reception@demo neither logged nor helped with (from the demo data). */
async function someoneElsesEpisode(page: Page): Promise<string> {
  const me = (await (await page.request.get('/api/v1/me')).json()) as { staff_id: string | null };
  const response = await page.request.get(`/api/v1/episodes?practice=${PRACTICE}&limit=200`);
  expect(response.status()).toBe(200);
  const { episodes } = (await response.json()) as { episodes: Episode[] };
  const other = episodes.find((e) => e.created_by === null && !e.helpers.includes(me.staff_id ?? ''));
  expect(other, 'a demo episode reception@demo had no part in').toBeTruthy();
  return (other as Episode).id;
}

/** Logs an episode and opens its edit page from the "Logged today" table. */
async function openEdit(page: Page, note: string): Promise<string> {
  const id = await logEpisode(page, note);
  await editLink(page, id).click();
  await page.waitForURL(`**/episodes/${id}/edit`);
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible();
  return id;
}

const VISITS: Visit[] = [
  {
    name: 'sign-in',
    who: ['signed-out'],
    async open(page) {
      await open200(page, '/sign-in');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Lantern');
    },
  },
  {
    name: 'sign-in-error',
    who: ['signed-out'],
    async open(page) {
      // One failed attempt (sign-in pauses after five from one address, so the suite keeps to three).
      await open200(page, '/sign-in');
      await page.locator('#username').fill('reception@demo');
      await page.locator('#password').fill('not-the-password');
      const posted = nextPost(page, '/sign-in');
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect((await posted).status()).toBe(401);
      await expect(page).toHaveTitle(/^Error:/);
      await expect(page.locator('.nhsuk-error-summary')).toContainText('The username or password is incorrect');
      // Beyond axe: the message links to the username field; the username stays, the password not.
      await expect(page.locator('.nhsuk-error-summary a')).toHaveAttribute('href', '#username');
      await expect(page.locator('#username')).toHaveValue('reception@demo');
      await expect(page.locator('#password')).toHaveValue('');
    },
  },
  {
    name: 'signed-out',
    who: ['signed-out'],
    async open(page) {
      await open200(page, '/sign-in?signed_out=true');
      await expect(page.getByRole('status')).toContainText('You have signed out');
    },
  },
  {
    name: 'log',
    who: EPISODE_ROLES,
    async open(page) {
      await open200(page, `/log?practice=${PRACTICE}`);
      await expect(page.getByRole('button', { name: 'Log episode' })).toBeVisible();
    },
  },
  {
    name: 'log-error',
    who: EPISODE_ROLES,
    async open(page) {
      await open200(page, `/log?practice=${PRACTICE}`);
      await clearHelper(page);
      expect((await submitLog(page)).status()).toBe(422);
      await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
    },
  },
  {
    name: 'log-logged',
    who: EPISODE_ROLES,
    async open(page) {
      await logEpisode(page, 'Accessibility check episode');
      await expect(page.locator('#logged')).toBeVisible();
    },
  },
  {
    name: 'log-undone',
    who: EPISODE_ROLES,
    async open(page) {
      await logEpisode(page, 'Accessibility check, undone');
      await undoLogged(page);
    },
  },
  {
    name: 'edit',
    who: EPISODE_ROLES,
    async open(page) {
      await openEdit(page, 'Accessibility check, to edit');
    },
  },
  {
    name: 'edit-error',
    who: EPISODE_ROLES,
    async open(page) {
      const id = await openEdit(page, 'Accessibility check, edit with an error');
      await page.locator('input[name="services"]:checked').uncheck();
      const posted = nextPost(page, `/episodes/${id}/edit`);
      await page.getByRole('button', { name: 'Save changes' }).click();
      expect((await posted).status()).toBe(422);
      await expect(page).toHaveTitle(/^Error:/);
      await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
    },
  },
  {
    name: 'log-edited',
    who: EPISODE_ROLES,
    async open(page) {
      await openEdit(page, 'Accessibility check, edited');
      await page.locator('input[name="duration_minutes"][value="15"]').check();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.waitForURL(/[?&]edited=true/);
      await expect(page.locator('#edited')).toBeVisible();
    },
  },
  {
    name: 'edit-forbidden',
    who: ['reception'],
    async open(page) {
      const id = await someoneElsesEpisode(page);
      const response = await page.goto(`/episodes/${id}/edit`);
      expect(response?.status()).toBe(403);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('You cannot edit this episode');
    },
  },
  {
    name: 'account',
    who: EVERY_ROLE,
    async open(page) {
      await open200(page, '/account');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
    },
  },
  {
    name: 'account-error',
    who: EVERY_ROLE,
    async open(page) {
      // Nothing typed: "Enter your current password" (not a wrong password, which would count
      // towards the sign-in throttle).
      await open200(page, '/account');
      const posted = nextPost(page, '/account/password');
      await page.getByRole('button', { name: 'Change password' }).click();
      expect((await posted).status()).toBe(422);
      await expect(page).toHaveTitle(/^Error:/);
      await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
    },
  },
  {
    name: 'account-token',
    who: EVERY_ROLE,
    async open(page) {
      await open200(page, '/account');
      await page.locator('#name').fill('Accessibility check token');
      const posted = nextPost(page, '/account/tokens');
      await page.getByRole('button', { name: 'Make API token' }).click();
      expect((await posted).status()).toBe(201);
      await expect(page.locator('#new-token-value')).toHaveValue(/^lantern_/);
    },
  },
  {
    name: 'settings',
    who: SETTINGS_ROLES,
    async open(page) {
      await open200(page, `/settings?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Practice settings');
    },
  },
  {
    name: 'settings-error',
    who: SETTINGS_ROLES,
    async open(page) {
      // "Add service" with no name.
      await open200(page, `/settings?practice=${PRACTICE}`);
      const posted = nextPost(page, '/settings/services/new');
      await page.getByRole('button', { name: 'Add service' }).click();
      expect((await posted).status()).toBe(422);
      await expect(page).toHaveTitle(/^Error:/);
      await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
    },
  },
  {
    name: 'settings-done',
    who: SETTINGS_ROLES,
    async open(page) {
      // Switch the last service in the table off and straight back on: the page then says so, and
      // the practice is as it was.
      await open200(page, `/settings?practice=${PRACTICE}`);
      const lastService = page.locator('#services ~ table tbody tr').last();
      await lastService.getByRole('button', { name: /^Switch (off|on)/ }).click();
      await page.waitForURL(/[?&]done=service-/);
      await page.locator('#services ~ table tbody tr').last().getByRole('button', { name: /^Switch (off|on)/ }).click();
      await page.waitForURL(/[?&]done=service-/);
      await expect(page.locator('#done')).toBeVisible();
    },
  },
  {
    name: 'audit',
    who: SETTINGS_ROLES,
    async open(page) {
      await open200(page, '/audit');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit trail');
    },
  },
  {
    name: 'audit-filtered',
    who: SETTINGS_ROLES,
    async open(page) {
      await open200(page, '/audit');
      await page.locator('#username').fill('reception@demo');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/[?&]username=reception/);
      await expect(page.getByRole('link', { name: 'Show all records' })).toBeVisible();
    },
  },
  {
    name: 'forbidden',
    who: ['reception'],
    async open(page) {
      await expectForbiddenPage(page, await page.goto('/settings'), 'reception@demo opening /settings');
    },
  },
  {
    name: 'forbidden',
    who: ['analyst', 'researcher'],
    async open(page, who) {
      await expectForbiddenPage(page, await page.goto('/log'), `${who}@demo opening /log`);
    },
  },
  {
    name: 'not-found',
    who: ['signed-out', ...EVERY_ROLE],
    async open(page) {
      const response = await page.goto('/no-such-page');
      expect(response?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    },
  },
];

/**
 * Pages the visits above cover, and those a11y-pages.spec.ts covers (in each of their states); any
 * other page in a role's menu is checked by the test below.
 */
const COVERED = new Set([
  '/log',
  '/account',
  '/settings',
  '/audit',
  '/dashboard',
  '/network',
  '/strategy',
  '/services',
  '/gaps',
  '/guides',
]);

const EVERYONE: Who[] = ['signed-out', ...EVERY_ROLE];

for (const who of EVERYONE) {
  test.describe(`axe, ${who}`, () => {
    if (who !== 'signed-out') test.use({ storageState: authFile(who) });

    for (const visit of VISITS.filter((v) => v.who.includes(who))) {
      test(`${who}: ${visit.name}`, async ({ page }) => {
        await visit.open(page, who);
        await capture(page, who, visit.name);
        await expectNoViolations(page, `${who}: ${visit.name} (${page.url()})`);
      });
    }

    // Pages added since this suite was written (found in the menu) are not left out.
    if (who !== 'signed-out') {
      test(`${who}: every other page in the menu`, async ({ page }) => {
        await page.goto('/');
        const others = (
          await page
            .getByRole('navigation', { name: 'Menu' })
            .getByRole('link')
            .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
        ).filter((href) => !COVERED.has(new URL(href, 'http://x').pathname));
        test.info().annotations.push({ type: 'pages', description: others.join(', ') || '(none)' });
        for (const href of others) {
          const response = await page.goto(href);
          expect.soft(response?.status(), `GET ${href}`).toBe(200);
          const name = new URL(href, 'http://x').pathname.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-') || 'home';
          await capture(page, who, name);
          await expectNoViolations(page, `${who}: ${href}`, true);
        }
      });
    }
  });
}

// Problems axe does not catch: each was a real bug found while writing this suite, kept as a guard.
test.describe('beyond axe', () => {
  test.use({ storageState: authFile('reception') });

  test('the "Episode logged" card title is exposed as a heading', async ({ page }) => {
    await page.goto(`/log?practice=${PRACTICE}`);
    await fillValidEpisode(page, 'Heading role check');
    expect((await submitLog(page)).status()).toBe(303);
    await expect(page.locator('#logged h2')).toHaveText('Episode logged');
    await expect(page.locator('#logged h2')).toHaveRole('heading', { timeout: 1_000 });
  });

  test('inline error messages are part of their control\'s accessible description', async ({ page }) => {
    await page.goto(`/log?practice=${PRACTICE}`);
    await clearHelper(page);
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
    await page.goto(`/log?practice=${PRACTICE}`);
    await clearHelper(page);
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

  test('the menu marks the page you are on', async ({ page }) => {
    await page.goto(`/log?practice=${PRACTICE}`);
    const menu = page.getByRole('navigation', { name: 'Menu' });
    await expect(menu.getByRole('link', { name: 'Log help' })).toHaveAttribute('aria-current', 'page');
    await expect(menu.locator('[aria-current]')).toHaveCount(1);
  });

  test('the sign-out button is reachable by keyboard, straight after the service name', async ({ page }) => {
    await page.goto(`/log?practice=${PRACTICE}`);
    const stops: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate(() => (document.activeElement?.textContent ?? '').trim()));
    }
    expect(stops).toEqual(['Skip to main content', 'Lantern', 'Sign out']);
  });
});
