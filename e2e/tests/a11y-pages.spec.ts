// Accessibility of the pages added after the suite was first written: axe-core (WCAG 2.2 A and AA, as
// in a11y.spec.ts) finds no violations on the dashboard, "Practices compared", the strategy, "Who
// owns what" and a service's arrangements, training, the gap report, guides and leaflets, in each
// state they have (another period, a bad date, a draft, in force, signed, a form with an error, large
// print). Each is saved as a full-page screenshot, e2e/artifacts/<role>-<page>.png, for review.
//
// A page this build does not serve yet is skipped, saying so (global setup checks). The strategy's
// "no strategy yet" state exists only until some test signs one off: those checks come first in this
// file (which runs before pages.spec.ts and strategy-pdf.spec.ts, the other specs that sign off), and
// skip, saying why, if a strategy is already in force.
import type { Page } from '@playwright/test';
import type { ProbedPage } from './auth';
import { capture, expectNoViolations, type KnownViolation } from './axe';
import { authFile, expect, nextPost, PRACTICE, served, test, type Role } from './helpers';
import { DEMO_PRACTICES, draftStrategy, newStrategyInForce, newStrategyInForceAs, strategyInForce } from './practice';

interface Visit {
  /** The page and state, as in the screenshot's name. */
  name: string;
  who: Role[];
  /** The pages it needs; skipped while this build does not serve one of them. */
  needs: ProbedPage[];
  /** Violations reported as app bugs and allowed, exactly, until fixed (see axe.ts). */
  known?: KnownViolation[];
  /** Goes there and brings the page to its state; may skip (saying why) if the state cannot be had. */
  open(page: Page, context: { who: Role; baseURL: string; browser: import('@playwright/test').Browser }): Promise<void>;
}

async function open(page: Page, url: string, status = 200): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(status);
}

/** The practices each role's strategy checks use: leads and staff their own, the administrator any. */
function practicesOf(who: Role): readonly string[] {
  return who === 'admin' ? [...DEMO_PRACTICES].reverse() : [PRACTICE];
}

const DAY_IN_AUGUST_2026 = '2026-08-10';

/**
 * Reported: the training matrix is wider than the page and scrolls sideways, but its scrolling box
 * cannot take keyboard focus and holds nothing focusable, so keyboard users cannot scroll it (WCAG
 * 2.1.1). Fix in crates/lantern-web/templates/training.html: the table's
 * `<div class="nhsuk-table-container">` becomes `<div class="nhsuk-table-container" role="region"
 * aria-labelledby="training-caption" tabindex="0">`, with `id="training-caption"` on its caption.
 */

const VISITS: Visit[] = [
  // First: the strategy before any version is signed off (see the top of the file).
  {
    name: 'strategy-empty',
    who: ['reception', 'manager', 'admin'],
    needs: ['/strategy'],
    async open(page, { who }) {
      let empty: string | undefined;
      for (const practice of practicesOf(who)) {
        if (!(await strategyInForce(page, practice))) {
          empty = practice;
          break;
        }
      }
      test.skip(
        empty === undefined,
        `a strategy is already in force at ${practicesOf(who).join(', ')} (a spec that signs one off ran first), so there is no empty state to check`,
      );
      await open(page, `/strategy?practice=${empty}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Digital support strategy');
      await expect(page.locator('main')).toContainText('has no signed-off digital support strategy yet');
      await expect(page.locator('#strategy-status')).toHaveCount(0);
    },
  },
  {
    name: 'strategy-draft',
    who: ['manager', 'admin'],
    needs: ['/strategy'],
    async open(page) {
      const version = await draftStrategy(page, PRACTICE);
      await expect(page.getByRole('button', { name: `Sign off version ${version}` })).toBeVisible();
    },
  },
  {
    name: 'strategy-in-force',
    who: ['reception', 'manager', 'admin'],
    needs: ['/strategy'],
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
    needs: ['/strategy'],
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
    needs: ['/dashboard'],
    async open(page) {
      await open(page, '/dashboard');
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Hidden work');
      await expect(page.locator('#period-label')).toBeVisible();
    },
  },
  {
    name: 'dashboard-month',
    who: ['manager'],
    needs: ['/dashboard'],
    async open(page) {
      await open(page, `/dashboard?period=month&date=${DAY_IN_AUGUST_2026}`);
      await expect(page.locator('#period-label')).toHaveText('1 August 2026 to 31 August 2026');
    },
  },
  {
    name: 'dashboard-custom',
    who: ['manager'],
    needs: ['/dashboard'],
    async open(page) {
      await open(page, '/dashboard?period=custom&from=2026-08-01&to=2026-08-20');
      await expect(page.locator('#period-label')).toHaveText('1 August 2026 to 20 August 2026');
    },
  },
  {
    name: 'dashboard-error',
    who: ['manager'],
    needs: ['/dashboard'],
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
    needs: ['/network'],
    async open(page) {
      await open(page, '/network');
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Practices compared');
      await expect(page.locator('table#practices')).toBeVisible();
    },
  },
  {
    name: 'network-sorted',
    who: ['analyst'],
    needs: ['/network'],
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
    needs: ['/services'],
    async open(page) {
      await open(page, `/services?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Who owns what');
      await expect(page.locator('table#ownership')).toBeVisible();
    },
  },
  {
    name: 'service',
    who: ['reception', 'manager', 'admin'],
    needs: ['/services'],
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
    needs: ['/services'],
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
    needs: ['/training'],
    async open(page) {
      await open(page, `/training?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Training');
    },
  },
  {
    name: 'training-error',
    who: ['manager'],
    needs: ['/training'],
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
    needs: ['/gaps'],
    async open(page) {
      await open(page, `/gaps?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Who owns this?');
      await expect(page.locator('#gap-count')).toBeVisible();
    },
  },
  {
    name: 'guides',
    who: ['reception', 'manager', 'admin'],
    needs: ['/guides'],
    async open(page) {
      await open(page, `/guides?practice=${PRACTICE}`);
      await expect(page.locator('table#guides tbody tr').first()).toBeVisible();
    },
  },
  {
    name: 'guide',
    who: ['reception', 'manager'],
    needs: ['/guides'],
    async open(page) {
      await open(page, `/guides?practice=${PRACTICE}`);
      await page.locator('table#guides tbody tr').first().getByRole('link').click();
      await page.waitForURL(/\/guides\/[0-9a-f-]+$/);
      await expect(page.locator('#guide-text')).toBeVisible();
    },
  },
  {
    name: 'guide-new',
    who: ['manager', 'admin'],
    needs: ['/guides'],
    async open(page) {
      await open(page, `/guides/new?practice=${PRACTICE}`);
      await expect(page.getByRole('button', { name: 'Save guide' })).toBeVisible();
    },
  },
  {
    name: 'leaflets',
    who: ['reception', 'manager'],
    needs: ['/leaflets'],
    async open(page) {
      await open(page, `/leaflets?practice=${PRACTICE}`);
      await expect(page.locator('table#leaflets')).toBeVisible();
    },
  },
  {
    name: 'leaflet',
    who: ['reception', 'admin'],
    needs: ['/leaflets'],
    async open(page) {
      await open(page, `/leaflets/nhs_login?practice=${PRACTICE}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('How to use NHS login');
    },
  },
  {
    name: 'leaflet-large',
    who: ['reception'],
    needs: ['/leaflets'],
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
          const missing = visit.needs.filter((p) => !served(p));
          test.skip(missing.length > 0, `${missing.join(', ')} not served by this build yet (not in the route table)`);
          await visit.open(page, { who, browser, baseURL: baseURL as string });
          await capture(page, who, visit.name);
          await expectNoViolations(page, `${who}: ${visit.name} (${page.url()})`, false, visit.known);
        });
      });
    }
  });
}
