// Shared pieces for the pages added after the suite was first written: the figures (/dashboard,
// /network), the strategy (/strategy), who owns what (/services, /training, /gaps), guides and
// leaflets. Drafting and signing off a strategy goes through the page's own buttons.
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { authFile, expect, type Role } from './helpers';

/** The three synthetic practices `lantern demo` creates; admin@demo reaches all of them. */
export const DEMO_PRACTICES = ['Y99901', 'Y99902', 'Y99903'] as const;

/** A fresh context signed in as `role` (for a second person in one test). Close it when done. */
export async function contextAs(browser: Browser, baseURL: string, role: Role) {
  return browser.newContext({ baseURL, storageState: authFile(role) });
}

/** Today's date where the practices are (Lantern's periods are in UK time), as [year, month, day]. */
function todayInLondon(): [number, number, number] {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date());
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return [part('year'), part('month'), part('day')];
}

/**
 * A day in the last complete quarter: the quarter the strategy's "last quarter's hidden work" is
 * drafted from (financial quarters start in April, July, October and January, like calendar ones).
 * With the demo's clock (November 2026) this is 2026-09-15, in July to September 2026.
 */
export function dayInLastQuarter(): string {
  const [year, month] = todayInLondon();
  const quarterStart = Math.floor((month - 1) / 3) * 3 + 1; // 1, 4, 7 or 10
  // The last month of the previous quarter is the month before this quarter starts.
  const lastMonth = quarterStart === 1 ? 12 : quarterStart - 1;
  const lastYear = quarterStart === 1 ? year - 1 : year;
  return `${lastYear}-${String(lastMonth).padStart(2, '0')}-15`;
}

/** "1,234" → 1234; fails on anything that is not a whole number with thousands separators. */
export function parseWhole(text: string, what: string): number {
  const trimmed = text.trim();
  expect(trimmed, `${what} is a whole number like 1,234`).toMatch(/^\d{1,3}(,\d{3})*$/);
  return Number(trimmed.replace(/,/g, ''));
}

/** "£1,234.56" → 123456 pence; "£1,235" → { pence: 123500, wholePounds: true }. */
export function parsePounds(text: string, what: string): { pence: number; wholePounds: boolean } {
  const trimmed = text.trim();
  const match = /^£(\d{1,3}(?:,\d{3})*)(?:\.(\d{2}))?$/.exec(trimmed);
  expect(match, `${what} ("${trimmed}") is an amount like £1,234.56`).toBeTruthy();
  const [, pounds, pence] = match as RegExpExecArray;
  return { pence: Number(pounds.replace(/,/g, '')) * 100 + Number(pence ?? 0), wholePounds: pence === undefined };
}

/** Collapses runs of whitespace (line breaks, layout spacing) to single spaces. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface StaffMember {
  id: string;
  practice: string;
  display_name: string;
  role: string;
  active: boolean;
}

/** Everyone on the practice's staff list (current and former), from the API as the caller. */
export async function staffOf(request: APIRequestContext, practice: string): Promise<StaffMember[]> {
  const response = await request.get(`/api/v1/practices/${practice}/staff`);
  expect(response.status(), `GET /api/v1/practices/${practice}/staff: ${await response.text()}`).toBe(200);
  return (await response.json()) as StaffMember[];
}

export interface OwnerRow {
  /** The service's code, from the row's id (service-<code>). */
  code: string;
  label: string;
  /** The owner's name, or null for "No owner". */
  owner: string | null;
  /** The owner is marked "Has left". */
  left: boolean;
}

/** Each row of the "Who owns what" table (/services) at the practice, as the page shows it. */
export async function ownersShown(page: Page, practice: string): Promise<OwnerRow[]> {
  const response = await page.goto(`/services?practice=${practice}`);
  expect(response?.status(), `GET /services?practice=${practice}`).toBe(200);
  const rows = page.locator('table#ownership tbody tr');
  await expect(rows.first()).toBeVisible();
  return rows.evaluateAll((trs) =>
    trs.map((tr) => {
      const cell = tr.querySelector('td');
      const tags = Array.from(cell?.querySelectorAll('strong.nhsuk-tag') ?? []).map((t) => (t.textContent ?? '').trim());
      // "No owner" is a tag on its own; a former owner is their name followed by a "Has left" tag.
      const name = Array.from(cell?.childNodes ?? [])
        .filter((n) => n.nodeType === 3)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      return {
        code: tr.id.replace(/^service-/, ''),
        label: (tr.querySelector('th')?.textContent ?? '').trim(),
        owner: tags.includes('No owner') && name === '' ? null : name,
        left: tags.includes('Has left'),
      };
    }),
  );
}

/** The strategy's page: whether a version is in force at the practice (the page says so). */
export async function strategyInForce(page: Page, practice: string): Promise<boolean> {
  const response = await page.goto(`/strategy?practice=${practice}`);
  expect(response?.status(), `GET /strategy?practice=${practice}`).toBe(200);
  return (await page.locator('#strategy-status .nhsuk-tag--green', { hasText: 'In force' }).count()) > 0;
}

/**
 * Presses "Draft a new version from this quarter's figures" on /strategy (as a lead) and returns the
 * new version's number; the browser is left on that version's page.
 */
export async function draftStrategy(page: Page, practice: string): Promise<number> {
  await page.goto(`/strategy?practice=${practice}`);
  await page.getByRole('button', { name: "Draft a new version from this quarter's figures" }).click();
  await page.waitForURL(/\/strategy\/versions\/\d+\?.*done=drafted/);
  const url = new URL(page.url());
  expect(url.searchParams.get('practice')).toBe(practice);
  await expect(page.getByRole('status')).toContainText('A new draft was written');
  await expect(page.locator('#strategy-status')).toContainText('Draft, not signed off');
  return Number(/\/strategy\/versions\/(\d+)/.exec(url.pathname)?.[1]);
}

/** On a draft's page, presses "Sign off version n"; the browser is left on /strategy, now in force. */
export async function signOffStrategy(page: Page, practice: string, version: number): Promise<void> {
  await page.getByRole('button', { name: `Sign off version ${version}` }).click();
  await page.waitForURL(/\/strategy\?.*done=signed/);
  expect(new URL(page.url()).searchParams.get('practice')).toBe(practice);
  await expect(page.getByRole('status')).toContainText('is now the practice\'s strategy');
  await expect(page.locator('#strategy-status')).toContainText(`Version ${version},`);
  await expect(page.locator('#strategy-status')).toContainText('In force');
}

/** Drafts and signs off a fresh version (as a lead) and returns its number. */
export async function newStrategyInForce(page: Page, practice: string): Promise<number> {
  const version = await draftStrategy(page, practice);
  await signOffStrategy(page, practice, version);
  return version;
}

/** As `role` in a context of its own: drafts and signs off a fresh version at the practice. */
export async function newStrategyInForceAs(browser: Browser, baseURL: string, role: Role, practice: string): Promise<number> {
  const lead = await contextAs(browser, baseURL, role);
  try {
    return await newStrategyInForce(await lead.newPage(), practice);
  } finally {
    await lead.close();
  }
}
