// Who may open what. Signed out, every page sends the browser to sign in and the API answers 401.
// Each role's header and menu; the pages a role lacks answer the 403 page; practice boundaries; and
// analysts and researchers (totals only, never single episodes) never see an episode's note anywhere
// they can go.
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import fs from 'node:fs';
import {
  ALL_ROLES,
  authFile,
  type Episode,
  expect,
  expectForbiddenPage,
  logEpisode,
  PRACTICE,
  ROLES,
  signIn,
  test,
  type Role,
} from './helpers';

// The menu items the issue names, by role: each role has these (in this order) and lacks the rest.
// Other items (pages added since) may sit between them; "every menu link opens a page" covers those.
const NAMED = ['Log help', 'Settings', 'Audit trail', 'Your account'];
const MENU: Record<Role, string[]> = {
  reception: ['Log help', 'Your account'],
  manager: ['Log help', 'Settings', 'Audit trail', 'Your account'],
  analyst: ['Your account'],
  researcher: ['Your account'],
  admin: ['Log help', 'Settings', 'Audit trail', 'Your account'],
};

function menu(page: Page) {
  return page.getByRole('navigation', { name: 'Menu' });
}

async function menuLinks(page: Page): Promise<{ label: string; href: string }[]> {
  return menu(page)
    .getByRole('link')
    .evaluateAll((links) =>
      links.map((a) => ({ label: (a.textContent ?? '').trim(), href: a.getAttribute('href') ?? '' })),
    );
}

/** A fresh context signed in as `role` (for a second person in one test). */
async function contextAs(browser: Browser, baseURL: string, role: Role) {
  return browser.newContext({ baseURL, storageState: authFile(role) });
}

/** An episode at another practice (Y99902), found as the administrator. */
async function episodeElsewhere(admin: APIRequestContext): Promise<Episode> {
  const response = await admin.get('/api/v1/episodes?practice=Y99902&limit=1');
  expect(response.status()).toBe(200);
  return ((await response.json()) as { episodes: Episode[] }).episodes[0];
}

test.describe('signed out', () => {
  for (const path of ['/', '/log', '/account', '/settings', '/audit', '/episodes/00000000-0000-0000-0000-000000000000/edit']) {
    test(`${path} sends the browser to sign in`, async ({ page }) => {
      const response = await page.request.get(path, { maxRedirects: 0 });
      expect(response.status()).toBe(303);
      const location = new URL(response.headers().location ?? '', 'http://x');
      expect(location.pathname).toBe('/sign-in');
      if (path !== '/') expect(location.searchParams.get('next')).toBe(path);
    });
  }

  test('the API answers 401 without a session or token', async ({ page }) => {
    for (const path of [`/api/v1/episodes?practice=${PRACTICE}`, '/api/v1/me', '/api/v1/practices']) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBe(401);
      expect(response.headers()['content-type']).toContain('application/json');
    }
    expect((await page.request.get('/api/v1/health')).status()).toBe(200);
  });

  test('an unknown user and a wrong password get the same answer', async ({ page }) => {
    const answers: string[] = [];
    // Two failed attempts (the throttle pauses sign-in after five from one address).
    for (const username of ['nobody-at-all@demo', 'manager@demo']) {
      await page.goto('/sign-in');
      await page.locator('#username').fill(username);
      await page.locator('#password').fill('wrong-password-here');
      const posted = page.waitForResponse((r) => r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect((await posted).status()).toBe(401);
      answers.push((await page.locator('.nhsuk-error-summary').innerText()).trim());
    }
    expect(answers[0]).toBe(answers[1]);
    expect(page.url()).toContain('/sign-in');
  });

  test('a crafted next= cannot send the browser to another site', async ({ page }) => {
    await page.goto('/sign-in?next=//example.org/');
    await signIn(page, ROLES.reception.username);
    expect(new URL(page.url()).hostname).toBe('127.0.0.1');
    expect(new URL(page.url()).pathname).toBe('/log');
  });
});

for (const role of ALL_ROLES) {
  test.describe(`as ${role}@demo`, () => {
    test.use({ storageState: authFile(role) });

    test(`the header names them and the menu shows ${MENU[role].join(', ')}`, async ({ page }) => {
      await page.goto('/');
      expect(new URL(page.url()).pathname).toBe(ROLES[role].home);
      await expect(page.locator('#signed-in-user')).toBeVisible();
      await expect(page.locator('header')).toContainText(ROLES[role].label);
      await expect(page.locator('header').getByRole('button', { name: 'Sign out' })).toBeVisible();
      if (role === 'analyst' || role === 'researcher') {
        await expect(page.locator('#organisation')).toContainText('U99999');
      } else if (role === 'admin') {
        // The practice this session last worked in (other tests switch it).
        await expect(page.locator('#organisation')).toContainText(/\(Y9990[1-3]\)/);
      } else {
        await expect(page.locator('#organisation')).toContainText(PRACTICE);
      }
      const labels = (await menuLinks(page)).map((l) => l.label);
      expect(labels.filter((l) => NAMED.includes(l)), `the menu (${labels.join(', ')})`).toEqual(MENU[role]);
    });

    test('every menu link opens a page', async ({ page }) => {
      await page.goto(ROLES[role].home);
      const broken: string[] = [];
      for (const { label, href } of await menuLinks(page)) {
        const response = await page.goto(href);
        const status = response?.status();
        if (status !== 200) broken.push(`"${label}" → ${href} answered ${status}`);
        else await expect(menu(page).getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
      }
      expect(broken, 'menu links that do not open a page (is the page in pages/mod.rs table()?)').toEqual([]);
    });
  });
}

test.describe('reception@demo (practice staff)', () => {
  test.use({ storageState: authFile('reception') });

  for (const path of ['/settings', '/audit'] as const) {
    test(`opening ${path} gets the 403 page`, async ({ page }) => {
      await expectForbiddenPage(page, await page.goto(path), `reception@demo opening ${path}`);
      // Nor does their menu offer it.
      await page.goto('/log');
      await expect(menu(page).locator(`a[href="${path}"]`)).toHaveCount(0);
      await expect(menu(page).getByRole('link', { name: 'Log help' })).toBeVisible();
    });
  }

  test('cannot edit an episode at their practice that they neither logged nor helped with', async ({ page }) => {
    const me = (await (await page.request.get('/api/v1/me')).json()) as { staff_id: string };
    const list = await page.request.get(`/api/v1/episodes?practice=${PRACTICE}&limit=200`);
    const { episodes } = (await list.json()) as { episodes: Episode[] };
    const other = episodes.find((e) => e.created_by === null && !e.helpers.includes(me.staff_id));
    expect(other, 'a demo episode reception@demo had no part in').toBeTruthy();
    const response = await page.goto(`/episodes/${other?.id}/edit`);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You cannot edit this episode');
    const put = await page.request.put(`/api/v1/episodes/${other?.id}`, { data: { practice: PRACTICE } });
    expect(put.status(), 'nor through the API').toBe(403);
  });

  test('another practice\'s episode is not found: its page, the API and its history', async ({ page, browser, baseURL }) => {
    const admin = await contextAs(browser, baseURL as string, 'admin');
    const elsewhere = await episodeElsewhere(admin.request);
    await admin.close();
    expect(elsewhere.practice).toBe('Y99902');

    const edit = await page.goto(`/episodes/${elsewhere.id}/edit`);
    expect(edit?.status(), 'edit page').toBe(404);
    expect((await page.request.get(`/log?practice=Y99902`)).status(), '/log at another practice').toBe(404);
    expect((await page.request.get(`/api/v1/episodes/${elsewhere.id}`)).status(), 'GET episode').toBe(404);
    const history = await page.request.get(`/api/v1/episodes/${elsewhere.id}/history`);
    expect(history.status(), `GET episode history answered ${await history.text()}`).toBe(404);
  });
});

test.describe('manager@demo (practice lead)', () => {
  test.use({ storageState: authFile('manager') });

  for (const path of ['/settings', '/audit'] as const) {
    test(`can open ${path}`, async ({ page }) => {
      const response = await page.goto(path);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('#signed-in-user')).toHaveText('Practice manager (synthetic)');
    });
  }

  test('the audit trail shows what reception did, filters by record, downloads as CSV, and stops at the practice', async ({
    page,
    browser,
    baseURL,
  }) => {
    // Reception logs an episode at the manager's practice; the administrator one at another practice.
    const reception = await contextAs(browser, baseURL as string, 'reception');
    const here = await logEpisode(await reception.newPage(), 'Audit trail check');
    expect((await reception.request.get('/audit.csv')).status(), 'reception downloading the trail').toBe(403);
    await reception.close();
    const admin = await contextAs(browser, baseURL as string, 'admin');
    const there = await logEpisode(await admin.newPage(), 'Audit trail check elsewhere', 'Y99902');
    await admin.close();

    await page.goto('/audit');
    await page.locator('#record_id').fill(here);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/[?&]record_id=/);
    const rows = page.locator('table#records tbody tr');
    await expect(rows.first()).toContainText('reception@demo');
    await expect(rows.first()).toContainText(here);
    for (const row of await rows.all()) await expect(row).toContainText(here);

    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download as CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('lantern-audit.csv');
    const csv = await fs.promises.readFile(await download.path(), 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header.split(',').slice(0, 3)).toEqual(['seq', 'at', 'user_id']);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes(here)), 'the download holds the filtered records').toBe(true);

    // The other practice's episode is outside the manager's trail.
    await page.goto(`/audit?record_id=${there}`);
    await expect(rows).toHaveCount(0);
    await expect(page.getByText('No records match.')).toBeVisible();
  });

  test('can open the edit page of any episode at their practice', async ({ page }) => {
    const list = await page.request.get(`/api/v1/episodes?practice=${PRACTICE}&limit=1`);
    const [episode] = ((await list.json()) as { episodes: Episode[] }).episodes;
    const response = await page.goto(`/episodes/${episode.id}/edit`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible();
  });
});

for (const role of ['analyst', 'researcher'] as const) {
  test.describe(`${role}@demo (totals only)`, () => {
    // Analysts start on the practices they compare; researchers (whose pages come later) on their account.
    const home = role === 'analyst' ? '/network' : '/account';
    test(`signing in lands on ${home}`, async ({ page }) => {
      await signIn(page, ROLES[role].username);
      expect(new URL(page.url()).pathname).toBe(home);
      const again = await page.reload();
      expect(again?.status(), `${home} answers 200`).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(role === 'analyst' ? /Practices compared/ : 'Your account');
    });

    test.describe('signed in', () => {
      test.use({ storageState: authFile(role) });

      test('/log and the edit page answer the 403 page; episodes over the API answer 403', async ({ page, browser, baseURL }) => {
        await expectForbiddenPage(page, await page.goto('/log'), `${role} opening /log`);
        await expectForbiddenPage(page, await page.goto(`/log?practice=${PRACTICE}`), `${role} opening /log?practice`);

        const reception = await contextAs(browser, baseURL as string, 'reception');
        const listed = await reception.request.get(`/api/v1/episodes?practice=${PRACTICE}&limit=1`);
        const [episode] = ((await listed.json()) as { episodes: Episode[] }).episodes;
        await reception.close();

        await expectForbiddenPage(page, await page.goto(`/episodes/${episode.id}/edit`), `${role} opening an edit page`);
        for (const path of [
          '/api/v1/episodes',
          `/api/v1/episodes?practice=${PRACTICE}`,
          `/api/v1/episodes/${episode.id}`,
          `/api/v1/episodes/${episode.id}/history`,
        ]) {
          const response = await page.request.get(path);
          expect(response.status(), `GET ${path}`).toBe(403);
          expect(await response.text()).not.toContain(episode.note ?? '(no note)');
        }
      });

      test('no page they can open shows an episode note', async ({ page, browser, baseURL }) => {
        test.setTimeout(120_000);
        // Reception logs an episode with a note nobody could mistake.
        const note = `Distinctive note ${role} ${Date.now().toString(36)} zebra-kumquat`;
        const reception = await contextAs(browser, baseURL as string, 'reception');
        const receptionPage = await reception.newPage();
        const id = await logEpisode(receptionPage, note);
        await reception.close();

        // Crawl every same-origin link from the menu and /account onwards, plus the obvious guesses.
        const origin = new URL(baseURL as string).origin;
        const queue: string[] = ['/', '/account'];
        await page.goto('/');
        for (const { href } of await menuLinks(page)) queue.push(href);
        queue.push('/log', `/log?practice=${PRACTICE}&logged=${id}`, `/episodes/${id}/edit`, '/settings', '/audit');
        queue.push(`/api/v1/episodes/${id}`, `/api/v1/episodes/${id}/history`, `/api/v1/episodes?practice=${PRACTICE}`);
        const seen = new Set<string>();
        const leaks: string[] = [];
        while (queue.length > 0 && seen.size < 60) {
          const target = new URL(queue.shift() as string, origin);
          target.hash = '';
          const key = target.pathname + target.search;
          if (target.origin !== origin || seen.has(key)) continue;
          seen.add(key);
          const response = await page.request.get(key);
          const body = await response.text();
          if (body.includes(note) || body.includes('zebra-kumquat')) leaks.push(`${key} (${response.status()})`);
          if (!(response.headers()['content-type'] ?? '').includes('text/html') || response.status() !== 200) continue;
          // Follow the page's links as a browser would see them.
          await page.goto(key);
          const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
          for (const href of hrefs) if (!href.startsWith('#') && !href.startsWith('mailto:')) queue.push(href);
        }
        expect(seen.size, 'the crawl visited the pages').toBeGreaterThan(5);
        expect(leaks, `pages showing the note to ${role}@demo`).toEqual([]);
      });
    });
  });
}
