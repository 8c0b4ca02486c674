// The support offer register and the effect pages in the browser. A practice manager registers an
// offer, corrects the form after an error, changes it and ends it with the keyboard alone (Tab, Enter
// and Space to move and act, typing into text boxes and a select's type-ahead to choose); axe-core
// (WCAG 2.2 A and AA, as in a11y.spec.ts) finds no violations on the register, the offer form in each
// state, the demo offer's effect page (labelled synthetic, with an estimate) and "Offers compared".
// A receptionist logs help as part of the demo's drop-in with the keyboard alone, choosing it in the
// log form's offer select by type-ahead, and axe passes on the log page with that select shown.
import type { APIRequestContext, Page } from '@playwright/test';
import { capture, expectNoViolations } from './axe';
import { authFile, episodeTotal, expect, focused, latestEpisode, loggedId, PRACTICE, tabTo, test } from './helpers';

interface Offer {
  id: string;
  title: string;
  kind: string;
  started_on: string;
  ended_on: string | null;
  groups: string[];
  age_bands: string[];
  run_by: { kind: string; value: string };
}

async function offers(api: APIRequestContext): Promise<Offer[]> {
  const response = await api.get(`/api/v1/practices/${PRACTICE}/offers`);
  expect(response.status()).toBe(200);
  return (await response.json()) as Offer[];
}

/** The demo's synthetic drop-in, the offer whose effect the demo's figures carry. */
async function demoOffer(api: APIRequestContext): Promise<Offer> {
  const found = (await offers(api)).find((o) => o.title.includes('(synthetic)') && o.kind === 'drop_in_session');
  expect(found, `the demo's synthetic offer at ${PRACTICE}`).toBeTruthy();
  return found as Offer;
}

/** Presses Tab until a button with exactly this text has focus. */
async function tabToButton(page: Page, text: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.tag === 'button' && now.text === text) return;
  }
  throw new Error(`Tab never reached the button "${text}"`);
}

/**
 * Presses Enter on what has focus and waits until the page that answers the form or link has replaced
 * this one (a form with an error comes back at the same address, so the address cannot tell).
 */
async function enterTo(page: Page, path: RegExp, status: number): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { lanternOld?: boolean }).lanternOld = true;
  });
  const answered = page.waitForResponse((r) => r.request().isNavigationRequest() && path.test(new URL(r.url()).pathname));
  await page.keyboard.press('Enter');
  const response = await answered;
  expect(response.status(), `${response.request().method()} ${response.url()}`).toBe(status);
  await page.waitForFunction(() => !(window as unknown as { lanternOld?: boolean }).lanternOld);
  await page.waitForLoadState('load');
}

test.describe('manager', () => {
  test.use({ storageState: authFile('manager') });

  test('the demo offer shows an estimate against its peers, labelled synthetic', async ({ page }) => {
    const offer = await demoOffer(page.request);
    const response = await page.goto(`/effect?offer=${offer.id}`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('#synthetic')).toContainText('Synthetic demonstration data');
    await expect(page.locator('#headline')).toContainText('95% interval');
    await expect(page.locator('#headline')).not.toContainText('Cannot say');
    await expect(page.locator('svg.lantern-chart__svg polyline.lantern-chart__comparison').first()).toBeAttached();
    await expect(page.locator('#trend-table tbody tr').first()).toBeVisible();
    // The second measure: the demo's synthetic appointments carry the offer's effect too.
    await expect(page.locator('#appointment-methods')).toContainText('percentage points (95% interval');
    await expect(page.locator('#appointment-table tbody tr').first()).toBeVisible();
    // The demo ICB's synthetic NHS App months, as context labelled the ICB's and never the practice's.
    await expect(page.locator('#nhs-app-label')).toContainText('ICB-level context (NHS App figures are published for ICBs, not practices)');
    await expect(page.locator('#nhs-app-table tbody tr')).toHaveCount(12);
    // The JSON the page links to says the same, figure for figure.
    const json = (await (await page.request.get(`/api/v1/offers/${offer.id}/effect`)).json()) as {
      effect: { difference_in_differences: { outcome: string; change?: number } };
    };
    const did = json.effect.difference_in_differences;
    expect(did.outcome).toBe('estimate');
    const sign = (did.change as number) >= 0 ? '+' : '-';
    await expect(page.locator('#headline')).toContainText(`changed by ${sign}${Math.abs(did.change as number).toFixed(1)} per 1,000`);
    await capture(page, 'manager', 'effect');
    await expectNoViolations(page, `manager: effect (${page.url()})`);
  });

  test('an offer is registered, changed and ended with the keyboard alone', async ({ page }) => {
    // Four pages, each checked by axe, and some hundred key presses: more than the default minute on a
    // busy two-core machine.
    test.setTimeout(180_000);
    const api = page.request;
    const title = `Library referrals (e2e ${Date.now()})`;
    const before = (await offers(api)).length;
    await page.goto(`/offers?practice=${PRACTICE}`);
    await expectNoViolations(page, 'manager: offers');

    await tabTo(page, 'register-offer');
    await enterTo(page, /^\/offers\/new$/, 200);
    await expectNoViolations(page, 'manager: offer-new');

    // The name only, then submit: the kind and who runs it are missing.
    await tabTo(page, 'title');
    await page.keyboard.type(title);
    await tabToButton(page, 'Register the offer');
    await enterTo(page, /^\/offers\/new$/, 422);
    await expect(page.locator('.nhsuk-error-summary')).toContainText('is not a kind of offer');
    await expect(page.locator('.nhsuk-error-summary')).toContainText('Say who runs the offer');
    await expect(page.locator('#title')).toHaveValue(title);
    await capture(page, 'manager', 'offer-error');
    await expectNoViolations(page, 'manager: offer-error');

    // Kind by type-ahead, a named runner typed, the first age band ticked with Space.
    await tabTo(page, 'kind');
    await page.keyboard.type('Referral');
    await expect(page.locator('#kind')).toHaveValue('community_referral');
    await tabTo(page, 'run_by_name');
    await page.keyboard.type('Central Library');
    await tabTo(page, 'age_bands');
    await page.keyboard.press('Space');
    await expect(page.locator('#age_bands')).toBeChecked();
    await tabToButton(page, 'Register the offer');
    await enterTo(page, /^\/offers$/, 200);
    await expect(page.locator('#done')).toContainText('The offer is registered.');

    const created = (await offers(api)).find((o) => o.title === title);
    expect(created, 'the offer is in the register').toBeTruthy();
    const offer = created as Offer;
    expect((await offers(api)).length).toBe(before + 1);
    expect(offer.kind).toBe('community_referral');
    expect(offer.run_by).toEqual({ kind: 'named', value: 'Central Library' });
    expect(offer.age_bands).toEqual(['0-15']);
    await expect(page.locator(`#offer-${offer.id}`)).toContainText('Still running');

    // Change it: open its form from the register, tick the first group with Space, save.
    await tabTo(page, `change-${offer.id}`);
    await enterTo(page, new RegExp(`^/offers/${offer.id}/edit$`), 200);
    await expectNoViolations(page, 'manager: offer-edit');
    await tabTo(page, 'groups');
    await page.keyboard.press('Space');
    await tabToButton(page, 'Save the offer');
    await enterTo(page, /^\/offers$/, 200);
    await expect(page.locator('#done')).toContainText('The offer is saved.');
    const changed = (await offers(api)).find((o) => o.id === offer.id) as Offer;
    expect(changed.groups).toEqual(['language']);

    // End it today: the end form is on the offer's page, its date filled in.
    await tabTo(page, `change-${offer.id}`);
    await enterTo(page, new RegExp(`^/offers/${offer.id}/edit$`), 200);
    await tabTo(page, 'end_on');
    await tabToButton(page, 'End the offer');
    await enterTo(page, /^\/offers$/, 200);
    await expect(page.locator('#done')).toContainText('The offer is ended.');
    const ended = (await offers(api)).find((o) => o.id === offer.id) as Offer;
    expect(ended.ended_on).not.toBeNull();
    await expect(page.locator(`#offer-${offer.id}`)).not.toContainText('Still running');
  });
});

test.describe('reception', () => {
  test.use({ storageState: authFile('reception') });

  test('help given at the drop-in is logged as part of it with the keyboard alone', async ({ page }) => {
    const api = page.request;
    const offer = await demoOffer(api);
    const before = await episodeTotal(api, PRACTICE);
    await page.goto('/log');
    // The practice runs offers, so the form asks; "None" is chosen until someone says otherwise.
    await expect(page.locator('label[for="offer_id"]')).toHaveText('Part of a support offer (optional)');
    await expect(page.locator('#offer_id')).toHaveValue('');
    await expect(page.locator('#offer_id option').first()).toHaveText('None');
    await capture(page, 'reception', 'log-offers');
    await expectNoViolations(page, 'reception: log with offers');

    // The first service and task with Space, 5 minutes with ArrowRight, the drop-in by type-ahead.
    await tabTo(page, 'services');
    await page.keyboard.press('Space');
    await tabTo(page, 'tasks');
    await page.keyboard.press('Space');
    await tabTo(page, 'duration_minutes');
    await page.keyboard.press('ArrowRight');
    await expect(page.locator('input[name="duration_minutes"][value="5"]')).toBeChecked();
    await tabTo(page, 'offer_id');
    await page.keyboard.type('NHS App');
    await expect(page.locator('#offer_id')).toHaveValue(offer.id);
    await tabTo(page, 'approach');
    await page.keyboard.press('ArrowRight');
    await tabToButton(page, 'Log episode');
    await page.keyboard.press('Enter');

    await page.waitForURL(/[?&]logged=/);
    const id = loggedId(page);
    expect(await episodeTotal(api, PRACTICE)).toBe(before + 1);
    expect(await latestEpisode(api, PRACTICE)).toMatchObject({ id, offer_id: offer.id, duration_minutes: 5 });
    await expectNoViolations(page, 'reception: logged with an offer');
  });
});

test.describe('analyst', () => {
  test.use({ storageState: authFile('analyst') });

  test('offers across practices, with their estimates and small numbers suppressed', async ({ page }) => {
    const response = await page.goto('/network/effect');
    expect(response?.status()).toBe(200);
    await expect(page.locator('#synthetic')).toContainText('Synthetic data');
    await expect(page.locator('#rule')).toContainText('Counts from 1 to 7');
    const row = page.locator('table#offers tbody tr').filter({ hasText: 'NHS App drop-in' }).first();
    await expect(row).toContainText(/Rise|Fall|No clear change/);
    await capture(page, 'analyst', 'network-effect');
    await expectNoViolations(page, 'analyst: network-effect');
  });
});
