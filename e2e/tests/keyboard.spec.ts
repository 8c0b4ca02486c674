// Logging an episode with the keyboard alone: no clicks, no check()/fill(), only page.keyboard,
// starting from the top of the page.
import type { Page } from '@playwright/test';
import { episodeTotal, expect, latestEpisode, loggedId, test, todayRows } from './helpers';

const PRACTICE = 'Y99901';
const NOTE = 'Showed how to order repeats';

/** What has focus: its id, tag and (for buttons) its text. Reading only, no interaction. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      id: el?.id ?? '',
      tag: el?.tagName.toLowerCase() ?? '',
      text: (el?.textContent ?? '').trim(),
    };
  });
}

/** Presses Tab until the element with this id has focus; fails, listing the path, after `max` presses. */
async function tabTo(page: Page, id: string, max = 40): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.id === id) return;
    path.push(now.id ? `#${now.id}` : `${now.tag}(${now.text.slice(0, 20)})`);
  }
  throw new Error(`Tab never reached #${id}; focus went: ${path.join(' → ')}`);
}

test('a whole episode can be logged with the keyboard alone', async ({ page, request }) => {
  const before = await episodeTotal(request, PRACTICE);
  await page.goto(`/log?practice=${PRACTICE}`);
  const rowsBefore = await todayRows(page).count();

  // Who helped: the select, ArrowDown from "Choose who helped" to the first person.
  await tabTo(page, 'helpers');
  await expect(page.locator('#helpers')).toHaveValue('');
  await page.keyboard.press('ArrowDown');
  const helper = await page.locator('#helpers').inputValue();
  expect(helper, 'ArrowDown on the focused select chose a helper').not.toBe('');

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

  expect(await episodeTotal(request, PRACTICE)).toBe(before + 1);
  const episode = await latestEpisode(request, PRACTICE);
  expect(episode).toMatchObject({
    id,
    practice: PRACTICE,
    helpers: [helper],
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
