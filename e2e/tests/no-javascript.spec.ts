// The pages use no JavaScript: with it switched off, logging and undoing still work.
import { episodeById, episodeTotal, expect, fillValidEpisode, latestEpisode, loggedId, submitLog, test } from './helpers';

test.use({ javaScriptEnabled: false });

test('an episode can be logged and undone with JavaScript disabled', async ({ page, request }) => {
  const practice = 'Y99902';
  const before = await episodeTotal(request, practice);
  // Scripts really are off in this context (checked on a blank page, where no CSP applies).
  await page.setContent('<p id="x">off</p><script>document.getElementById("x").textContent = "on"</script>');
  await expect(page.locator('#x')).toHaveText('off');

  await page.goto(`/log?practice=${practice}`);
  await expect(page.locator('#organisation')).toContainText(practice);
  const filled = await fillValidEpisode(page, 'Set up repeat ordering without scripts');
  expect((await submitLog(page)).status()).toBe(303);
  await expect(page.locator('#logged')).toBeVisible();
  await expect(page.locator('#logged')).toContainText('Episode logged');
  const id = loggedId(page);

  expect(await episodeTotal(request, practice)).toBe(before + 1);
  expect(await latestEpisode(request, practice)).toMatchObject({
    id,
    helpers: [filled.helper],
    duration_minutes: 5,
    note: 'Set up repeat ordering without scripts',
  });

  await page.locator('#logged').getByRole('button', { name: /^Undo/ }).click();
  await page.waitForURL(/[?&]undone=true/);
  await expect(page.locator('#undone')).toBeVisible();
  expect(await episodeTotal(request, practice)).toBe(before);
  expect((await episodeById(request, id)).deleted).not.toBeNull();
});
