// A receptionist's whole session, start to finish, in one browser context that begins signed out:
// sign in by keyboard, log an episode by keyboard, find it in "Logged today", correct it (a new
// version, both kept), log another and undo it, sign out, and find the pages closed again.
import {
  editLink,
  episodeById,
  episodeHistory,
  episodeTotal,
  expect,
  fillValidEpisode,
  focused,
  loggedId,
  PRACTICE,
  ROLES,
  signIn,
  submitLog,
  tabTo,
  test,
  todayRow,
  todayRows,
  undoLogged,
} from './helpers';

const NOTE = 'Journey: set up NHS App proxy access';

test('reception signs in, logs, edits, undoes and signs out', async ({ page }) => {
  test.setTimeout(90_000);

  // Signed out, the quick-log page sends the browser to sign in, remembering where it was going.
  const first = await page.goto('/log');
  expect(first?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  expect(new URL(page.url()).searchParams.get('next')).toBe('/log');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Lantern');

  // Sign in with the keyboard alone; the browser comes back to /log.
  await signIn(page, ROLES.reception.username);
  expect(new URL(page.url()).pathname).toBe('/log');
  await expect(page.locator('#signed-in-user')).toHaveText('Reception (synthetic)');
  await expect(page.locator('header')).toContainText(ROLES.reception.label);
  await expect(page.locator('#organisation')).toContainText(PRACTICE);

  const api = page.request;
  const before = await episodeTotal(api, PRACTICE);
  const rowsBefore = await todayRows(page).count();

  // Log an episode by keyboard only: helper is already this person; tick, pick, type, Enter.
  await tabTo(page, 'services');
  await page.keyboard.press('Space');
  await tabTo(page, 'tasks');
  await page.keyboard.press('Space');
  await tabTo(page, 'duration_minutes');
  await page.keyboard.press('ArrowRight'); // 5 min
  await tabTo(page, 'approach');
  await page.keyboard.press('ArrowRight'); // "with"
  await tabTo(page, 'note');
  await page.keyboard.type(NOTE);
  await page.keyboard.press('Tab');
  expect(await focused(page)).toMatchObject({ tag: 'button', text: 'Log episode' });
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]logged=/);
  const id = loggedId(page);
  await expect(page.locator('#logged')).toContainText('Episode logged');
  await expect(page.locator('#logged')).toContainText('5 minutes helping with');
  expect(await episodeTotal(api, PRACTICE)).toBe(before + 1);

  // It is listed in "Logged today", with an Edit link (reception logged it, so may correct it).
  await expect(todayRows(page)).toHaveCount(rowsBefore + 1);
  const row = todayRow(page, id);
  await expect(row).toHaveCount(1);
  await expect(row.locator('td.nhsuk-table__cell--numeric')).toHaveText('5');

  // Edit it: the same form, filled in; change the minutes to 10 and save.
  await editLink(page, id).click();
  await page.waitForURL(`**/episodes/${id}/edit`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Edit an episode');
  await expect(page.locator('input[name="duration_minutes"][value="5"]')).toBeChecked();
  await expect(page.locator('#note')).toHaveValue(NOTE);
  await expect(page.locator('#services')).toBeChecked();
  await page.locator('input[name="duration_minutes"][value="10"]').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/\/log\?.*edited=true/);
  await expect(page.locator('#edited')).toContainText('Your changes were saved as a new version');
  const editedRow = todayRow(page, id);
  await expect(editedRow.locator('td.nhsuk-table__cell--numeric')).toHaveText('10');
  expect(await episodeTotal(api, PRACTICE), 'editing adds no episode').toBe(before + 1);

  // The API keeps both versions: 5 minutes, then 10.
  const history = await episodeHistory(api, id);
  expect(history.map((v) => v.version)).toEqual([1, 2]);
  expect(history.map((v) => v.duration_minutes)).toEqual([5, 10]);
  expect((await episodeById(api, id)).version).toBe(2);

  // Log another and Undo it: the total is back where it was after the first.
  await fillValidEpisode(page, 'Journey: logged by mistake');
  expect((await submitLog(page)).status()).toBe(303);
  const mistake = loggedId(page);
  expect(await episodeTotal(api, PRACTICE)).toBe(before + 2);
  await undoLogged(page);
  expect(await episodeTotal(api, PRACTICE)).toBe(before + 1);
  expect((await episodeById(api, mistake)).deleted).not.toBeNull();
  await expect(editLink(page, mistake)).toHaveCount(0);

  // Sign out with the header's button.
  await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/sign-in');
  await expect(page.getByRole('status')).toContainText('You have signed out');
  await expect(page.locator('#signed-in-user')).toHaveCount(0);

  // The session is over: /log sends the browser to sign in again, and the API refuses.
  await page.goto('/log');
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  expect(new URL(page.url()).searchParams.get('next')).toBe('/log');
  expect((await api.get(`/api/v1/episodes?practice=${PRACTICE}&limit=1`)).status()).toBe(401);
});
