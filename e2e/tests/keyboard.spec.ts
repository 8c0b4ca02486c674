// Logging an episode with the keyboard alone: no clicks, no check()/fill(), only page.keyboard,
// starting from the top of the page, as reception@demo.
import {
  authFile,
  episodeTotal,
  expect,
  focused,
  latestEpisode,
  loggedId,
  PRACTICE,
  tabTo,
  test,
  todayRows,
} from './helpers';

const NOTE = 'Showed how to order repeats';

test.use({ storageState: authFile('reception') });

test('a whole episode can be logged with the keyboard alone', async ({ page }) => {
  const api = page.request;
  const me = (await (await api.get('/api/v1/me')).json()) as { staff_id: string | null };
  expect(me.staff_id, 'reception@demo is linked to a staff record').toBeTruthy();
  const before = await episodeTotal(api, PRACTICE);
  await page.goto('/log');
  await expect(page.locator('#signed-in-user')).toHaveText('Reception (synthetic)');
  const rowsBefore = await todayRows(page).count();

  // Who helped: already the signed-in person (the commonest case costs no keystrokes); Tab passes it.
  await tabTo(page, 'helpers');
  await expect(page.locator('#helpers')).toHaveValue(me.staff_id as string);

  // The first service and the first task, ticked with Space.
  await tabTo(page, 'services');
  await page.keyboard.press('Space');
  await expect(page.locator('#services')).toBeChecked();
  const service = await page.locator('#services').inputValue();

  await tabTo(page, 'tasks');
  await page.keyboard.press('Space');
  await expect(page.locator('#tasks')).toBeChecked();
  const task = await page.locator('#tasks').inputValue();

  // Duration: Tab lands on the first radio (2 min, not yet chosen); ArrowRight moves to and picks 5 min.
  await tabTo(page, 'duration_minutes');
  await expect(page.locator('input[name="duration_minutes"]:checked')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('input[name="duration_minutes"][value="5"]')).toBeChecked();
  await expect(page.locator('input[name="duration_minutes"]:checked')).toHaveCount(1);

  // Channel stays on its default (desk): tabbing through the group changes nothing.
  await tabTo(page, 'channel');
  await expect(page.locator('input[name="channel"][value="desk"]')).toBeChecked();

  // Approach: nothing chosen, so focus lands on the first ("for"); ArrowRight picks "with".
  await tabTo(page, 'approach');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('input[name="approach"][value="with"]')).toBeChecked();

  // Outcome keeps "resolved"; on to the note (through escalation, barriers, age band, date/time).
  await tabTo(page, 'note');
  await expect(page.locator('input[name="outcome"][value="resolved"]')).toBeChecked();
  await expect(page.locator('input[name="channel"][value="desk"]')).toBeChecked();
  await page.keyboard.type(NOTE);
  await expect(page.locator('#note')).toHaveValue(NOTE);

  // The next stop is the submit button; Enter submits.
  await page.keyboard.press('Tab');
  expect(await focused(page)).toMatchObject({ tag: 'button', text: 'Log episode' });
  await page.keyboard.press('Enter');

  await page.waitForURL(/[?&]logged=/);
  const id = loggedId(page);
  await expect(page.locator('#logged')).toBeVisible();
  await expect(page.locator('#logged h2')).toHaveText('Episode logged');
  await expect(page.locator('#logged')).toContainText('5 minutes helping with');
  await expect(todayRows(page)).toHaveCount(rowsBefore + 1);

  expect(await episodeTotal(api, PRACTICE)).toBe(before + 1);
  const episode = await latestEpisode(api, PRACTICE);
  expect(episode).toMatchObject({
    id,
    practice: PRACTICE,
    helpers: [me.staff_id],
    services: [service],
    tasks: [task],
    duration_minutes: 5,
    channel: 'desk',
    approach: 'with',
    outcome: 'resolved',
    note: NOTE,
    deleted: null,
  });
});
