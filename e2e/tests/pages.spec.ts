// Journeys through the pages added after the first journey: the manager's dashboard (the
// reading of who carries the work, the CSV download, changing the period), "Practices compared" for
// an analyst (small numbers hidden, no member of staff named), the strategy (a lead signs a version
// off, reception reads and signs it), the gap report against "Who owns what", a guide, and a patient
// leaflet printed without the staff frame.
//
// Each test sets up what it needs (the strategy in force, the owner it changes) and puts shared demo
// state back, so the specs can run in any order.
import fs from 'node:fs';
import { authFile, expect, PRACTICE, test } from './helpers';
import {
  contextAs,
  dayInLastQuarter,
  DEMO_PRACTICES,
  newStrategyInForce,
  newStrategyInForceAs,
  parseWhole,
  staffOf,
} from './practice';

test.describe('manager@demo: the dashboard', () => {
  test.use({ storageState: authFile('manager') });

  test('reads out who carries the work, puts a table after each chart, and downloads the same figures as CSV', async ({ page }) => {
    const response = await page.goto(`/dashboard?period=quarter&date=${dayInLastQuarter()}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Hidden work');
    await expect(page.locator('#reading')).toHaveText(/^\d+% of the help this quarter was given by one person \(.+\)/);
    const episodes = parseWhole((await page.locator('#figure-episodes').textContent()) ?? '', 'Episodes of help');

    // Every chart has its figures in a table straight after it.
    const charts = page.locator('.lantern-chart');
    expect(await charts.count(), 'charts on the dashboard').toBeGreaterThan(0);
    const followers = await charts.evaluateAll((divs) => divs.map((d) => d.nextElementSibling?.tagName.toLowerCase() ?? '(nothing)'));
    expect(followers.every((tag) => tag === 'table'), `what follows each chart: ${followers.join(', ')}`).toBe(true);

    const csvLink = page.getByRole('link', { name: 'Download these figures as CSV' });
    const href = (await csvLink.getAttribute('href')) ?? '';
    expect(href).toMatch(new RegExp(`^/api/v1/measures/practices/${PRACTICE}\\?.*format=csv`));
    const direct = await page.request.get(href);
    expect(direct.status()).toBe(200);
    expect(direct.headers()['content-type']).toMatch(/^text\/csv/);

    const downloading = page.waitForEvent('download');
    await csvLink.click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(new RegExp(`^lantern-${PRACTICE}-.*\\.csv$`));
    const csv = await fs.promises.readFile(await download.path(), 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toBe('practice,period_from,period_to,section,key,label,measure,value');
    const headline = lines.find((l) => l.includes(',headline,,,episodes,'));
    expect(headline, 'the CSV has the headline episodes').toBeTruthy();
    expect(Number(headline?.split(',').pop()), 'the CSV has the dashboard\'s episodes').toBe(episodes);

    const json = await page.request.get((await page.getByRole('link', { name: 'Download these figures as JSON' }).getAttribute('href')) ?? '');
    expect(json.headers()['content-type']).toMatch(/^application\/json/);
    expect(((await json.json()) as { summary: { episodes: number } }).summary.episodes).toBe(episodes);
  });

  test('choosing "Month" and a day shows that month', async ({ page }) => {
    await page.goto('/dashboard');
    await page.getByLabel('Month', { exact: true }).check();
    await page.getByLabel('A day in the period').fill('2026-08-10');
    await page.getByRole('button', { name: 'Show figures' }).click();
    await page.waitForURL(/[?&]period=month/);
    expect(new URL(page.url()).searchParams.get('date')).toBe('2026-08-10');
    await expect(page.locator('#period-label')).toHaveText('1 August 2026 to 31 August 2026');
    await expect(page.getByLabel('Month', { exact: true })).toBeChecked();
    await expect(page.getByRole('heading', { name: 'More figures for this month' })).toBeVisible();
    await expect(page.locator('#reading')).toContainText('this month');
    // The pager steps a month at a time.
    await page.getByRole('link', { name: /^Previous period/ }).click();
    await expect(page.locator('#period-label')).toHaveText('1 July 2026 to 31 July 2026');
  });
});

test.describe('analyst@demo: practices compared', () => {
  test.use({ storageState: authFile('analyst') });

  test('shows totals with small numbers hidden as "<8", the rule stated, and never a member of staff\'s name', async ({
    page,
    browser,
    baseURL,
  }) => {
    // Every staff name at the demo practices, current and former, as the administrator sees them.
    const admin = await contextAs(browser, baseURL as string, 'admin');
    const names: string[] = [];
    for (const practice of DEMO_PRACTICES) names.push(...(await staffOf(admin.request, practice)).map((m) => m.display_name));
    await admin.close();
    expect(names.length, 'the demo has staff').toBeGreaterThan(10);
    const named = (text: string) => names.filter((n) => text.includes(n));

    const response = await page.goto('/network');
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Practices compared');
    await expect(page.getByText('Counts from 1 to 7 are shown as "<8"')).toBeVisible();
    const rows = page.locator('table#practices tbody tr');
    await expect(rows).toHaveCount(3);
    // Each figure is a number, a percentage, an amount or "<8".
    const figures = await page
      .locator('table#practices td.nhsuk-table__cell--numeric')
      .evaluateAll((tds) => tds.map((td) => (td.firstChild?.textContent ?? '').trim()));
    const odd = figures.filter((f) => !/^(<8|\d{1,3}(,\d{3})*(\.\d+)?%?|£\d{1,3}(,\d{3})*\.\d{2})$/.test(f));
    expect(odd, 'figures that are not a number, a share, an amount or "<8"').toEqual([]);
    expect(named(await page.locator('body').innerText()), 'staff named on /network').toEqual([]);

    // Two days: small counts, hidden.
    await page.goto('/network?period=custom&from=2026-10-30&to=2026-10-31');
    await expect(page.locator('#period-label')).toHaveText('30 October 2026 to 31 October 2026');
    await expect(page.locator('main td', { hasText: /^<8$/ }).first()).toBeVisible();
    expect(named(await page.locator('body').innerText()), 'staff named on /network (two days)').toEqual([]);

    // Sorted by practice name.
    await page.goto('/network');
    await page.locator('table#practices thead').getByRole('link', { name: 'Practice' }).click();
    await page.waitForURL(/[?&]sort=practice/);
    await expect(page.locator('table#practices th[aria-sort]')).toContainText('Practice');
    const order = await rows.locator('th').evaluateAll((ths) => ths.map((th) => (th.textContent ?? '').trim()));
    expect(order).toEqual([...order].sort((a, b) => a.localeCompare(b)));

    // The downloads: CSV as text/csv; neither names anyone.
    for (const name of ['Download these figures as CSV', 'Download these figures as JSON']) {
      const href = (await page.getByRole('link', { name }).getAttribute('href')) ?? '';
      expect(href).toMatch(/^\/api\/v1\/measures\/organisations\/U99999\?/);
      const download = await page.request.get(href);
      expect(download.status(), href).toBe(200);
      expect(download.headers()['content-type']).toMatch(name.endsWith('CSV') ? /^text\/csv/ : /^application\/json/);
      expect(named(await download.text()), `staff named in ${href}`).toEqual([]);
    }
  });
});

test.describe('the strategy', () => {

  test.describe('manager@demo', () => {
    test.use({ storageState: authFile('manager') });

    test('drafts a version, signs it off, and downloads it as Markdown', async ({ page }) => {
      const version = await newStrategyInForce(page, PRACTICE);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Digital support strategy: .* \(Y99901\)$/);
      await expect(page.locator('#strategy-status')).toContainText('Signed off by');
      const downloading = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download this version as Markdown' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe(`strategy-${PRACTICE}-v${version}.md`);
      const markdown = await fs.promises.readFile(await download.path(), 'utf8');
      expect(markdown).toMatch(/^# Digital support strategy: .* \(Y99901\)\n/);
      expect(markdown).toContain('## Services and owners');
      expect(markdown).toMatch(/Episodes of help: [\d,]+/);
    });
  });

  test.describe('reception@demo', () => {
    test.use({ storageState: authFile('reception') });

    test('reads the strategy in force and signs it; the manager sees who signed', async ({ page, browser, baseURL }) => {
      const version = await newStrategyInForceAs(browser, baseURL as string, 'manager', PRACTICE);

      const response = await page.goto('/strategy');
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Digital support strategy: .* \(Y99901\)$/);
      await expect(page.locator('#strategy-status')).toContainText(`Version ${version},`);
      await expect(page.locator('#strategy-status')).toContainText('In force');
      await expect(page.getByRole('heading', { name: 'Services and owners' })).toBeVisible();
      // Staff read and sign; they do not write or sign off.
      await expect(page.getByRole('button', { name: /Draft a new version/ })).toHaveCount(0);
      await expect(page.getByRole('button', { name: /^Sign off/ })).toHaveCount(0);

      await page.getByRole('button', { name: 'I have read this strategy and will follow it' }).click();
      await page.waitForURL(/[?&]done=acknowledged/);
      await expect(page.getByRole('status')).toHaveText('Thank you: you have signed this version.');
      await expect(page.locator('#acknowledged')).toHaveText('You have read and signed this version.');
      await expect(page.getByRole('button', { name: 'I have read this strategy and will follow it' })).toHaveCount(0);

      const me = (await (await page.request.get('/api/v1/me')).json()) as { display_name: string };
      const manager = await contextAs(browser, baseURL as string, 'manager');
      const managerPage = await manager.newPage();
      await managerPage.goto('/strategy');
      await expect(managerPage.getByRole('heading', { name: /^Signed by staff \(\d+\)$/ })).toBeVisible();
      await expect(managerPage.locator('main li', { hasText: me.display_name })).toBeVisible();
      await manager.close();
    });
  });
});

test.describe('manager@demo: who owns what and the gaps', () => {
  test.use({ storageState: authFile('manager') });

  test('the gap report finds proxy access unowned and NHS login\'s owner doing little; naming an owner clears the first', async ({
    page,
  }) => {
    const noOwnerCard = page.locator('#gap-no_owner-proxy_access');
    const noOwnerCount = async () =>
      parseWhole(
        (await page.locator('#gap-summary tbody tr', { has: page.getByRole('rowheader', { name: 'No owner', exact: true }) }).locator('td').textContent()) ??
          '',
        'gaps with no owner',
      );

    await page.goto('/gaps');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Who owns this?');
    await expect(noOwnerCard).toContainText('Proxy access has no owner.');
    await expect(page.locator('#gap-owner_not_doing_it-nhs_login')).toContainText('its owner, Margaret (synthetic), gave');
    const before = await noOwnerCount();

    /** Sets proxy access's owner on /services/proxy_access ('' for "No owner") and saves. */
    const setOwner = async (label: string) => {
      await page.goto(`/services/proxy_access?practice=${PRACTICE}`);
      await page.getByLabel('Owner', { exact: true }).selectOption({ label });
      await page.getByRole('button', { name: 'Save arrangements' }).click();
      await page.waitForURL(/\/services\?.*done=proxy_access/);
      await expect(page.getByText('The arrangements for Proxy access are saved.')).toBeVisible();
    };

    try {
      await setOwner('Sandra (synthetic)');
      await expect(page.locator('#service-proxy_access')).toContainText('Sandra (synthetic)');
      await page.goto('/gaps');
      await expect(noOwnerCard).toHaveCount(0);
      expect(await noOwnerCount()).toBe(before - 1);
    } finally {
      // Put the demo back as it was: proxy access has no owner.
      await setOwner('No owner');
    }
    await page.goto('/gaps');
    await expect(noOwnerCard).toContainText('Proxy access has no owner.');
  });
});

test.describe('reception@demo: guides and leaflets', () => {
  test.use({ storageState: authFile('reception') });

  test('a starter guide renders its Markdown as headings and says to review it for the practice', async ({ page }) => {
    await page.goto('/guides');
    const first = page.locator('table#guides tbody tr').first();
    await expect(first).toContainText('Review for your practice');
    const title = ((await first.getByRole('link').textContent()) ?? '').trim();
    await first.getByRole('link').click();
    await page.waitForURL(/\/guides\/[0-9a-f-]+$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
    await expect(page.locator('#status')).toHaveText('Review for your practice');
    const text = page.locator('#guide-text');
    await expect(text).toContainText('review it for your practice');
    expect(await text.getByRole('heading', { level: 2 }).count(), 'the guide\'s sections are headings').toBeGreaterThan(1);
    expect(await text.locator('ol li, ul li').count(), 'the guide\'s steps are a list').toBeGreaterThan(1);
    const shown = await text.innerText();
    expect(shown, 'no Markdown left unrendered').not.toMatch(/^#{1,6} |\*\*|^\d+\. \*\*/m);
  });

  test('a leaflet prints without the staff frame, and large print is large', async ({ page }) => {
    await page.goto('/leaflets');
    // (The hidden ": NHS login" is read as its own span: "Print leaflet : NHS login".)
    await page.getByRole('link', { name: /^Print leaflet\s*: NHS login$/ }).click();
    await page.waitForURL(/\/leaflets\/nhs_login/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('How to use NHS login');
    await expect(page.locator('nav[aria-label=Menu]')).toBeVisible();

    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('nav[aria-label=Menu]')).not.toBeVisible();
    await expect(page.locator('header.nhsuk-header')).not.toBeVisible();
    await expect(page.locator('footer')).not.toBeVisible();
    await expect(page.getByRole('link', { name: 'All leaflets' })).not.toBeVisible();
    await expect(page.locator('#leaflet')).toBeVisible();
    await expect(page.locator('.lantern-synthetic'), 'a demo leaflet never passes for a real one').toBeVisible();
    const fontSize = (selector: string) =>
      page.locator(selector).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const standard = await fontSize('#leaflet li');

    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('link', { name: 'Large print version' }).click();
    await page.waitForURL(/[?&]large=true/);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('nav[aria-label=Menu]')).not.toBeVisible();
    await expect(page.locator('#leaflet')).toBeVisible();
    // 18 point is 24 CSS pixels.
    expect(await fontSize('#leaflet li'), 'large print steps are at least 18pt').toBeGreaterThanOrEqual(24);
    expect(await fontSize('#offline'), 'large print text is at least 18pt').toBeGreaterThanOrEqual(24);
    expect(standard, 'standard print is smaller').toBeLessThan(24);
  });
});
