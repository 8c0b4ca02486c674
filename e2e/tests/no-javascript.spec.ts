// The pages use no JavaScript: with it switched off, signing in, logging, undoing, editing and signing
// out still work (every action is a plain form).
import {
  editLink,
  episodeById,
  episodeHistory,
  episodeTotal,
  expect,
  fillValidEpisode,
  latestEpisode,
  loggedId,
  PRACTICE,
  ROLES,
  signIn,
  submitLog,
  test,
  undoLogged,
} from './helpers';

test.use({ javaScriptEnabled: false });

test('signed in with JavaScript disabled, an episode can be logged, edited and undone', async ({ page }) => {
  // Scripts really are off in this context (checked on a blank page, where no CSP applies).
  await page.setContent('<p id="x">off</p><script>document.getElementById("x").textContent = "on"</script>');
  await expect(page.locator('#x')).toHaveText('off');

  // Signed out, /log sends the browser to sign in, and back to /log afterwards.
  await page.goto(`/log?practice=${PRACTICE}`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await signIn(page, ROLES.reception.username);
  expect(new URL(page.url()).pathname).toBe('/log');
  await expect(page.locator('#organisation')).toContainText(PRACTICE);

  const request = page.request;
  const before = await episodeTotal(request, PRACTICE);
  const filled = await fillValidEpisode(page, 'Set up repeat ordering without scripts');
  expect((await submitLog(page)).status()).toBe(303);
  await expect(page.locator('#logged')).toBeVisible();
  await expect(page.locator('#logged')).toContainText('Episode logged');
  const id = loggedId(page);

  expect(await episodeTotal(request, PRACTICE)).toBe(before + 1);
  expect(await latestEpisode(request, PRACTICE)).toMatchObject({
    id,
    helpers: [filled.helper],
    duration_minutes: 5,
    note: 'Set up repeat ordering without scripts',
  });

  // Edit it: the form comes back filled in, and saving makes version 2.
  await editLink(page, id).click();
  await page.waitForURL(`**/episodes/${id}/edit`);
  await expect(page.locator('input[name="duration_minutes"][value="5"]')).toBeChecked();
  await page.locator('input[name="duration_minutes"][value="15"]').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/[?&]edited=true/);
  await expect(page.locator('#edited')).toContainText('saved as a new version');
  expect((await episodeHistory(request, id)).map((v) => v.version)).toEqual([1, 2]);

  // Log another and undo it.
  await fillValidEpisode(page, 'Logged by mistake without scripts');
  expect((await submitLog(page)).status()).toBe(303);
  const mistake = loggedId(page);
  await undoLogged(page);
  expect(await episodeTotal(request, PRACTICE)).toBe(before + 1);
  expect((await episodeById(request, mistake)).deleted).not.toBeNull();

  // Sign out with the header's button.
  await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in?signed_out=true');
  await expect(page.getByText('You have signed out')).toBeVisible();
});
