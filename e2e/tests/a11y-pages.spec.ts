// Accessibility of the pages added after the suite was first written: axe-core (WCAG 2.2 A and AA, as
// in a11y.spec.ts) finds no violations on the dashboard, "Practices compared", the strategy, "Who
// owns what" and a service's arrangements, training, the gap report, guides (read, their versions,
// edited), leaflets, the support offer register and form, and the effect pages, in each state they
// have (another period, a bad date, a draft, in force, signed, a form with an error, large print).
// Each is saved as a full-page screenshot, e2e/artifacts/<role>-<page>.png, for review.
//
// The strategy's "no strategy yet" state exists only until some test signs one off: those checks come
// first in this file (which runs before pages.spec.ts and strategy-pdf.spec.ts, the other specs that
// sign off); should a strategy already be in force, the check skips, saying why (a failure under CI).
import type { Locator, Page } from '@playwright/test';
import { capture, expectNoViolations, type KnownViolation } from './axe';
import { authFile, expect, nextPost, PRACTICE, skipWithout, test, type Role } from './helpers';
import { DEMO_PRACTICES, draftStrategy, newStrategyInForce, newStrategyInForceAs, strategyInForce } from './practice';

interface Visit {
  /** The page and state, as in the screenshot's name. */
  name: string;
  who: Role[];
  /** Violations reported as app bugs and allowed, exactly, until fixed (see axe.ts). */
  known?: KnownViolation[];
  /** Goes there and brings the page to its state; may skip (saying why; under CI a failure) if the state cannot be had. */
  open(page: Page, context: { who: Role; baseURL: string; browser: import('@playwright/test').Browser }): Promise<void>;
}

async function open(page: Page, url: string, status = 200): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(status);
}

/** The practice's first guide, opened from the guides list. */
async function openFirstGuide(page: Page): Promise<void> {
  await open(page, `/guides?practice=${PRACTICE}`);
  await followTo(page, page.locator('table#guides tbody tr').first().getByRole('link'), /\/guides\/[0-9a-f-]+$/);
  await expect(page.locator('#guide-text')).toBeVisible();
}

/** Follows a link to a page whose path matches `path`, which must answer 200. */
async function followTo(page: Page, link: Locator, path: RegExp): Promise<void> {
  const answered = page.waitForResponse((r) => r.request().isNavigationRequest() && path.test(new URL(r.url()).pathname));
  await link.click();
  const response = await answered;
  expect(response.status(), `GET ${response.url()}`).toBe(200);
  await page.waitForURL((url) => path.test(url.pathname));
}

/** The practices each role's strategy checks use: leads and staff their own, the administrator any. */
function practicesOf(who: Role): readonly string[] {
  return who === 'admin' ? [...DEMO_PRACTICES].reverse() : [PRACTICE];
}

const DAY_IN_AUGUST_2026 = '2026-08-10';

/**
 * Reported: the training matrix is wider than the page and scrolls sideways, but its scrolling box
 * cannot take keyboard focus and holds nothing focusable, so keyboard users cannot scroll it (WCAG
 * 2.1.1). Fix in crates/lantern-web/templates/ownership/training.html: the table's
 * `<div class="nhsuk-table-container">` becomes `<div class="nhsuk-table-container" role="region"
 * aria-labelledby="training-caption" tabindex="0">`, with `id="training-caption"` on its caption.
 */

const VISITS: Visit[] = [
  // First: the strategy before any version is signed off (see the top of the file).
  {
    name: 'strategy-empty',
    who: ['reception', 'manager', 'admin'],
    async open(page, { who }) {
      let empty: string | undefined;
      for (const practice of practicesOf(who)) {
        if (!(await strategyInForce(page, practice))) {
          empty = practice;
          break;
        }
      }
      if (empty === undefined) {
        skipWithout(
          `a practice with no strategy in force (all of ${practicesOf(who).join(', ')} have one: a spec that signs one off ran first)`,
        );
      }
      await open(page, `/strategy?practice=${empty}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Digital support strategy');
      await expect(page.locator('main')).toContainText('has no signed-off digital support strategy yet');
      await expect(page.locator('#strategy-status')).toHaveCount(0);
    },
  },
  {
    name: 'strategy-draft',
    who: ['manager', 'admin'],
    async open(page) {
      const version = await draftStrategy(page, PRACTICE);
      await expect(page.getByRole('button', { name: `Sign off version ${version}` })).toBeVisible();
    },
  },
  {
    name: 'strategy-in-force',
    who: ['reception', 'manager', 'admin'],
    async open(page, { who, browser, baseURL }) {
      if (who === 'reception') await newStrategyInForceAs(browser, baseURL, 'manager', PRACTICE);
      else await newStrategyInForce(page, PRACTICE);
      await open(page, `/strategy?practice=${PRACTICE}`);
      await expect(page.locator('#strategy-status')).toContainText('In force');
      await expect(page.getByRole('button', { name: 'I have read this strategy and will follow it' })).toBeVisible();
    },
  },
  {
    name: 'strategy-acknowledged',
    who: ['reception', 'manager'],
    async open(page, { who, browser, baseURL }) {
      // A version this person has not signed yet.
      if (who === 'reception') await newStrategyInForceAs(browser, baseURL, 'manager', PRACTICE);
      else await newStrategyInForce(page, PRACTICE);
      await open(page, `/strategy?practice=${PRACTICE}`);
      await page.getByRole('button', { name: 'I have read this strategy and will follow it' }).click();
      await page.waitForURL(/[?&]done=acknowledged/);
      await expect(page.locator('#acknowledged')).toBeVisible();
    },
  },
  {
    name: 'dashboard',
    who: ['manager', 'admin'],
    async open(page) {
      await open(page, '/dashboard');
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Hidden work');
      await expect(page.locator('#period-label')).toBeVisible();
    },
  },
  {
    name: 'dashboard-month',
    who: ['manager'],
    async open(page) {
      await open(page, `/dashboard?period=month&date=${DAY_IN_AUGUST_2026}`);
      await expect(page.locator('#period-label')).toHaveText('1 August 2026 to 31 August 2026');
    },
  },
  {
    name: 'dashboard-custom',
    who: ['manager'],
    async open(page) {
      await open(page, '/dashboard?period=custom&from=2026-08-01&to=2026-08-20');
      await expect(page.locator('#period-label')).toHaveText('1 August 2026 to 20 August 2026');
    },
  },
  {
    name: 'dashboard-error',
    who: ['manager'],
    async open(page) {
      await open(page, '/dashboard?period=quarter&date=2026-02-30', 400);
      await expect(page).toHaveTitle(/^Error:/);
      await expect(page.locator('.nhsuk-error-summary a')).toHaveAttribute('href', '#date');
      await expect(page.locator('#date-error')).toBeVisible();
    },
  },
  {
    name: 'network',
    who: ['analyst', 'admin'],
    async open(page) {
      await open(page, '/network');
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Practices compared');
      await expect(page.locator('table#practices')).toBeVisible();
    },
  },
  {
    name: 'network-sorted',
    who: ['analyst'],
    async open(page) {
      await open(page, '/network');
      await page.locator('table#practices thead').getByRole('link', { name: 'Practice' }).click();
      await page.waitForURL(/[?&]sort=practice/);
      await expect(page.locator('table#practices th[aria-sort]')).toContainText('Practice');
    },
  },
  {
    name: 'services',
    who: ['reception', 'manager', 'admin'],
    async open(page) {
      await open(page, `/services?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Who owns what');
      await expect(page.locator('table#ownership')).toBeVisible();
    },
  },
  {
    name: 'service',
    who: ['reception', 'manager', 'admin'],
    async open(page, { who }) {
      await open(page, `/services/nhs_login?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Arrangements for NHS login');
      // Staff read the arrangements; leads change them.
      if (who === 'reception') await expect(page.locator('#arrangements')).toBeVisible();
      else await expect(page.getByRole('button', { name: 'Save arrangements' })).toBeVisible();
    },
  },
  {
    name: 'service-error',
    who: ['manager', 'admin'],
    async open(page) {
      // A review date in the future is refused, and nothing is saved.
      await open(page, `/services/nhs_login?practice=${PRACTICE}`);
      await page.getByLabel('Last reviewed').fill('2099-01-01');
      const posted = nextPost(page, '/services/nhs_login');
      await page.getByRole('button', { name: 'Save arrangements' }).click();
      expect((await posted).status()).toBe(422);
      await expect(page).toHaveTitle(/^Error:/);
      await expect(page.locator('.nhsuk-error-summary a')).toHaveAttribute('href', '#reviewed_on');
    },
  },
  {
    name: 'training',
    who: ['manager', 'admin'],
    async open(page) {
      await open(page, `/training?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Training');
    },
  },
  {
    name: 'training-error',
    who: ['manager'],
    async open(page) {
      await open(page, `/training?practice=${PRACTICE}`);
      const posted = nextPost(page, '/training');
      await page.getByRole('button', { name: 'Record training' }).click();
      expect((await posted).status()).toBe(422);
      await expect(page).toHaveTitle(/^Error:/);
      await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
    },
  },
  {
    name: 'gaps',
    who: ['manager', 'admin'],
    async open(page) {
      await open(page, `/gaps?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Who owns this?');
      await expect(page.locator('#gap-count')).toBeVisible();
    },
  },
  {
    name: 'guides',
    who: ['reception', 'manager', 'admin'],
    async open(page) {
      await open(page, `/guides?practice=${PRACTICE}`);
      await expect(page.locator('table#guides tbody tr').first()).toBeVisible();
    },
  },
  {
    name: 'guide',
    who: ['reception', 'manager', 'admin'],
    async open(page) {
      await openFirstGuide(page);
    },
  },
  {
    name: 'guide-history',
    who: ['reception', 'manager', 'admin'],
    async open(page) {
      await openFirstGuide(page);
      await followTo(page, page.getByRole('link', { name: 'Earlier versions' }), /\/guides\/[0-9a-f-]+\/history$/);
      await expect(page.locator('#versions tbody tr').first()).toBeVisible();
    },
  },
  {
    name: 'guide-edit',
    who: ['manager', 'admin'],
    async open(page) {
      await openFirstGuide(page);
      await followTo(page, page.getByRole('link', { name: 'Edit this guide' }), /\/guides\/[0-9a-f-]+\/edit$/);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Edit a guide');
      await expect(page.getByLabel('Title', { exact: true })).not.toHaveValue('');
    },
  },
  {
    name: 'guide-edit-error',
    who: ['manager'],
    async open(page) {
      await openFirstGuide(page);
      await followTo(page, page.getByRole('link', { name: 'Edit this guide' }), /\/guides\/[0-9a-f-]+\/edit$/);
      // An empty title is refused, so nothing is saved: the guide is left as it was.
      await page.getByLabel('Title', { exact: true }).fill('');
      const posted = nextPost(page, new URL(page.url()).pathname);
      await page.getByRole('button', { name: 'Save guide' }).click();
      expect((await posted).status()).toBe(422);
      await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
    },
  },
  {
    name: 'guide-new',
    who: ['manager', 'admin'],
    async open(page) {
      await open(page, `/guides/new?practice=${PRACTICE}`);
      await expect(page.getByRole('button', { name: 'Save guide' })).toBeVisible();
    },
  },
  {
    name: 'leaflets',
    who: ['reception', 'manager'],
    async open(page) {
      await open(page, `/leaflets?practice=${PRACTICE}`);
      await expect(page.locator('table#leaflets')).toBeVisible();
    },
  },
  {
    name: 'leaflet',
    who: ['reception', 'admin'],
    async open(page) {
      await open(page, `/leaflets/nhs_login?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('How to use NHS login');
    },
  },
  {
    name: 'offers',
    who: ['manager', 'admin'],
    async open(page) {
      await open(page, `/offers?practice=${PRACTICE}`);
      await expect(page.locator('table#offers')).toBeVisible();
    },
  },
  {
    name: 'offer-new',
    who: ['manager'],
    async open(page) {
      await open(page, `/offers/new?practice=${PRACTICE}`);
      await expect(page.getByRole('button', { name: 'Register the offer' })).toBeVisible();
    },
  },
  {
    name: 'effect',
    who: ['manager', 'admin'],
    async open(page) {
      await open(page, `/effect?practice=${PRACTICE}`);
      await expect(page.locator('#headline')).toBeVisible();
    },
  },
  {
    name: 'network-effect',
    who: ['analyst', 'admin'],
    async open(page) {
      await open(page, '/network/effect');
      await expect(page.locator('table#offers')).toBeVisible();
    },
  },
  {
    name: 'leaflet-large',
    who: ['reception'],
    async open(page) {
      await open(page, `/leaflets/nhs_login?practice=${PRACTICE}&large=true`);
      await expect(page.locator('#leaflet')).toHaveClass(/lantern-leaflet--large/);
    },
  },
];

for (const visit of VISITS) {
  test.describe(`axe, ${visit.name}`, () => {
    for (const who of visit.who) {
      test.describe(who, () => {
        test.use({ storageState: authFile(who) });

        test(`${who}: ${visit.name}`, async ({ page, browser, baseURL }) => {
          await visit.open(page, { who, browser, baseURL: baseURL as string });
          await capture(page, who, visit.name);
          await expectNoViolations(page, `${who}: ${visit.name} (${page.url()})`, false, visit.known);
        });
      });
    }
  });
}
