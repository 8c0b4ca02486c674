// Shared pieces of the browser suite: the `test` to import (its baseURL is the server that
// global-setup.ts started), signing in, API look-ups, and filling the quick-log form the ordinary way.
//
// Every page needs sign-in. A spec picks who it runs as with
//
//   test.use({ storageState: authFile('reception') });
//
// which starts each test in a fresh browser context holding that role's session cookie (signed in
// once, in global setup). Without it a test starts signed out. `page.request` shares the context's
// cookies, so API look-ups made through it act as the same person.
import { test as base, expect, type APIRequestContext, type Page, type Response } from '@playwright/test';
import { ciIsSet } from '../ci';
import { POSTGRES_PROJECT } from '../postgres';

export { expect };
export { ALL_ROLES, authFile, DEMO_PASSWORD, focused, ROLES, signIn, tabTo, type Role } from './auth';

/**
 * `test` with baseURL pointing at the Lantern server of this run: the SQLite one, or for the
 * `postgres` project the one on PostgreSQL (a test there without one skips, or under CI fails).
 */
export const test = base.extend({
  baseURL: async ({}, use, testInfo) => {
    const postgres = testInfo.project.name === POSTGRES_PROJECT;
    const url = postgres ? process.env.LANTERN_E2E_POSTGRES_BASE_URL : process.env.LANTERN_E2E_BASE_URL;
    if (postgres && !url) skipWithout(`a PostgreSQL server (${process.env.LANTERN_E2E_POSTGRES_MISSING ?? 'global-setup.ts did not run'})`);
    if (!url) throw new Error('LANTERN_E2E_BASE_URL is not set: global-setup.ts did not run');
    await use(url);
  },
});

/**
 * Skips the running test because `missing` is not there (say what, and how to provide it); under CI
 * (../ci.ts) fails instead, naming it. summary-reporter.ts counts the skip and records it in
 * LANTERN_SKIP_LOG for scripts/test's closing line.
 */
export function skipWithout(missing: string): void {
  if (ciIsSet()) throw new Error(`cannot run without ${missing}. CI is set, so this fails instead of skipping`);
  base.skip(true, `without ${missing}`);
}

/** The one practice reception@demo and manager@demo work at. */
export const PRACTICE = 'Y99901';

export interface Episode {
  id: string;
  version: number;
  deleted: { at: string; reason: string } | null;
  created_by: string | null;
  practice: string;
  helpers: string[];
  duration_minutes: number;
  channel: string;
  services: string[];
  tasks: string[];
  approach: string;
  outcome: string;
  note: string | null;
  /** The support offer the help was part of, if any. */
  offer_id: string | null;
}

export interface EpisodeVersion {
  version: number;
  duration_minutes: number;
  note: string | null;
}

interface EpisodeList {
  episodes: Episode[];
  total: number;
}

async function listEpisodes(request: APIRequestContext, practice: string, limit: number): Promise<EpisodeList> {
  const response = await request.get(`/api/v1/episodes?practice=${practice}&limit=${limit}`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as EpisodeList;
}

/** How many (not deleted) episodes the practice has, according to the JSON API. */
export async function episodeTotal(request: APIRequestContext, practice: string): Promise<number> {
  return (await listEpisodes(request, practice, 1)).total;
}

/** The practice's most recent episode (the list is newest first). */
export async function latestEpisode(request: APIRequestContext, practice: string): Promise<Episode> {
  const list = await listEpisodes(request, practice, 1);
  expect(list.episodes.length).toBe(1);
  return list.episodes[0];
}

export async function episodeById(request: APIRequestContext, id: string): Promise<Episode> {
  const response = await request.get(`/api/v1/episodes/${id}`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Episode;
}

export async function episodeHistory(request: APIRequestContext, id: string): Promise<EpisodeVersion[]> {
  const response = await request.get(`/api/v1/episodes/${id}/history`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as EpisodeVersion[];
}

/** Rows in the "Logged today" table. */
export function todayRows(page: Page) {
  return page.locator('table#today tbody tr');
}

/** The "Edit" link of one episode in the "Logged today" table. */
export function editLink(page: Page, id: string) {
  return page.locator('table#today').locator(editHref(id));
}

/** A selector for a link to the episode's edit page (relative, for use inside a row). */
export function editHref(id: string): string {
  return `a[href="/episodes/${id}/edit"]`;
}

/** The "Logged today" row of one episode. */
export function todayRow(page: Page, id: string) {
  return todayRows(page).filter({ has: page.locator(editHref(id)) });
}

/** The id in `logged=<id>` of the page's URL after a successful log. */
export function loggedId(page: Page): string {
  const id = new URL(page.url()).searchParams.get('logged');
  expect(id, `no logged= in ${page.url()}`).toBeTruthy();
  return id as string;
}

export interface Filled {
  helper: string;
  service: string;
  task: string;
}

/**
 * Fills a valid episode with ordinary (mouse) interactions: the first helper, the first service and
 * task shown, 5 minutes, approach "with"; channel and outcome keep their defaults (desk, resolved).
 */
export async function fillValidEpisode(page: Page, note?: string): Promise<Filled> {
  await page.locator('#helpers').selectOption({ index: 1 });
  await page.locator('#services').check();
  await page.locator('#tasks').check();
  await page.locator('input[name="duration_minutes"][value="5"]').check();
  await page.locator('input[name="approach"][value="with"]').check();
  if (note !== undefined) await page.locator('#note').fill(note);
  return {
    helper: await page.locator('#helpers').inputValue(),
    service: await page.locator('#services').inputValue(),
    task: await page.locator('#tasks').inputValue(),
  };
}

/**
 * Empties "Who helped". For someone linked to a staff record (reception@demo) the form starts with
 * that person chosen, so an "empty form" has to be emptied first.
 */
export async function clearHelper(page: Page): Promise<void> {
  await page.locator('#helpers').selectOption('');
  await expect(page.locator('#helpers')).toHaveValue('');
}

/** Resolves with the response to the next POST to this path. */
export function nextPost(page: Page, pathname: string): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === pathname);
}

/** Resolves with the response to the next POST /log (303 on success, 422 on errors). */
export function nextLogPost(page: Page): Promise<Response> {
  return nextPost(page, '/log');
}

/**
 * Presses "Log episode", returns the response to the POST, and waits for the page that follows: the
 * log page with `logged=` after a 303, the form with its errors (title "Error: …") after a 422.
 */
export async function submitLog(page: Page): Promise<Response> {
  const posted = nextLogPost(page);
  await page.getByRole('button', { name: 'Log episode' }).click();
  return afterPost(page, await posted);
}

export async function afterPost(page: Page, response: Response): Promise<Response> {
  if (response.status() === 303) {
    await page.waitForURL(/[?&]logged=/);
  } else {
    await expect(page).toHaveTitle(/^Error:/);
  }
  return response;
}

/** Opens /log, logs a valid episode with this note, and returns its id (the page shows the card). */
export async function logEpisode(page: Page, note: string, practice = PRACTICE): Promise<string> {
  await page.goto(`/log?practice=${practice}`);
  await fillValidEpisode(page, note);
  const response = await submitLog(page);
  expect(response.status(), 'logging a valid episode').toBe(303);
  await expect(page.locator('#logged')).toBeVisible();
  return loggedId(page);
}

/** Presses the card's Undo button and waits for the "undone" page. */
export async function undoLogged(page: Page): Promise<void> {
  const undone = page.waitForURL(/[?&]undone=true/);
  await page.locator('#logged').getByRole('button', { name: /^Undo/ }).click();
  await undone;
  await expect(page.locator('#undone')).toContainText('The episode was undone');
}

/** The 403 page every forbidden page answers with. */
export async function expectForbiddenPage(page: Page, response: Response | null, what: string): Promise<void> {
  expect(response?.status(), `${what} answers 403`).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page');
}
