// Shared pieces of the browser suite: the `test` to import (its baseURL is the server that
// global-setup.ts started), API look-ups, and filling the quick-log form the ordinary way.
import { test as base, expect, type APIRequestContext, type Page, type Response } from '@playwright/test';

export { expect };

/** `test` with baseURL pointing at the Lantern server of this run. */
export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.LANTERN_E2E_BASE_URL;
    if (!url) throw new Error('LANTERN_E2E_BASE_URL is not set: global-setup.ts did not run');
    await use(url);
  },
});

export interface Episode {
  id: string;
  version: number;
  deleted: { at: string; reason: string } | null;
  practice: string;
  helpers: string[];
  duration_minutes: number;
  channel: string;
  services: string[];
  tasks: string[];
  approach: string;
  outcome: string;
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

/** Rows in the "Logged today" table. */
export function todayRows(page: Page) {
  return page.locator('table#today tbody tr');
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

/** Resolves with the response to the next POST /log (303 on success, 422 on errors). */
export function nextLogPost(page: Page): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/log');
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
