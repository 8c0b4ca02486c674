// The quick-log page's round trips: undo, the error summary, and the patient-identity guard on notes.
// Undo and the error summary as reception@demo at their practice; the identity guard as admin@demo at
// another practice of the PCN (an administrator reaches every practice).
import {
  authFile,
  clearHelper,
  episodeById,
  episodeTotal,
  expect,
  fillValidEpisode,
  latestEpisode,
  loggedId,
  submitLog,
  PRACTICE,
  test,
  todayRows,
} from './helpers';

test.describe('as reception@demo', () => {
  test.use({ storageState: authFile('reception') });

  test('Undo removes the episode just logged, keeping it marked deleted', async ({ page }) => {
    const request = page.request;
    const practice = PRACTICE;
    const before = await episodeTotal(request, practice);
    await page.goto(`/log?practice=${practice}`);
    const rowsBefore = await todayRows(page).count();

    await fillValidEpisode(page, 'Helped with the NHS App login');
    expect((await submitLog(page)).status()).toBe(303);
    const id = loggedId(page);
    expect(await episodeTotal(request, practice)).toBe(before + 1);
    await expect(todayRows(page)).toHaveCount(rowsBefore + 1);

    const undone = page.waitForURL(/[?&]undone=true/);
    await page.locator('#logged').getByRole('button', { name: /^Undo/ }).click();
    await undone;

    await expect(page.locator('#undone')).toContainText('The episode was undone');
    await expect(page.locator('#logged')).toHaveCount(0);
    expect(new URL(page.url()).searchParams.get('practice')).toBe(practice);
    await expect(todayRows(page)).toHaveCount(rowsBefore);

    expect(await episodeTotal(request, practice)).toBe(before);
    const listed = await latestEpisode(request, practice);
    expect(listed.id).not.toBe(id);

    const record = await episodeById(request, id);
    expect(record.deleted, 'the undone episode is kept, marked deleted').not.toBeNull();
    expect(record.deleted?.reason.trim()).toBeTruthy();
    expect(Number.isNaN(Date.parse(record.deleted?.at ?? ''))).toBe(false);
  });

  test('an empty form shows an error summary linking to each field, and stores nothing', async ({ page }) => {
    const request = page.request;
    const practice = PRACTICE;
    const before = await episodeTotal(request, practice);
    await page.goto(`/log?practice=${practice}`);
    await clearHelper(page);

    const response = await submitLog(page);
    expect(response.status()).toBe(422);

    expect(await page.title()).toMatch(/^Error: /);
    const summary = page.locator('.nhsuk-error-summary');
    await expect(summary).toBeVisible();
    const alert = summary.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('There is a problem');

    const links = summary.locator('a');
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    const targets = hrefs.map((href) => {
      expect(href, 'summary links are in-page fragments').toMatch(/^#./);
      return href.slice(1);
    });
    // The required fields left empty are all named.
    expect(targets).toEqual(expect.arrayContaining(['helpers', 'services', 'tasks', 'duration_minutes', 'approach']));

    for (const target of targets) {
      const found = await page.evaluate((id) => {
        const el = document.getElementById(id);
        return el ? { tag: el.tagName.toLowerCase(), focusable: el.matches('input, select, textarea, button') } : null;
      }, target);
      expect(found, `summary link #${target} points at an element on the page`).not.toBeNull();
      expect(found?.focusable, `#${target} is a form control the link can move focus to`).toBe(true);
      // Each field in the summary also carries its message inline.
      const inline = page.locator(`[id="${target}-error"]`);
      await expect(inline, `inline error for ${target}`).toBeVisible();
      await expect(inline).toHaveClass(/nhsuk-error-message/);
    }
    await expect(page.locator('.nhsuk-error-message')).toHaveCount(new Set(targets).size);

    // Following a summary link moves to its field.
    await links.first().click();
    expect(new URL(page.url()).hash).toBe(hrefs[0]);

    expect(await episodeTotal(request, practice)).toBe(before);
  });
});

test.describe('as admin@demo', () => {
  test.use({ storageState: authFile('admin') });

  test('a note with a valid NHS number is refused; one failing the check digit is kept', async ({ page }) => {
    const request = page.request;
    const practice = 'Y99903';
    const before = await episodeTotal(request, practice);
    await page.goto(`/log?practice=${practice}`);
    const filled = await fillValidEpisode(page, 'NHS 943 476 5919 could not log in');

    const refused = await submitLog(page);
    expect(refused.status()).toBe(422);
    const noteError = page.locator('#note-error');
    await expect(noteError).toBeVisible();
    await expect(noteError).toContainText('NHS number');
    await expect(page.locator('.nhsuk-error-summary a[href="#note"]')).toContainText('NHS number');
    expect(await episodeTotal(request, practice)).toBe(before);

    // The rest of the form is kept, so only the note needs changing.
    await expect(page.locator('#helpers')).toHaveValue(filled.helper);
    await expect(page.locator('#services')).toBeChecked();
    await expect(page.locator('#tasks')).toBeChecked();
    await expect(page.locator('input[name="duration_minutes"][value="5"]')).toBeChecked();
    await expect(page.locator('input[name="approach"][value="with"]')).toBeChecked();

    // 9434765918 fails the Modulus 11 check, so it is not an NHS number.
    const note = '943 476 5918 took 10 minutes';
    await page.locator('#note').fill(note);
    const accepted = await submitLog(page);
    expect(accepted.status()).toBe(303);
    await expect(page.locator('#logged')).toBeVisible();
    const id = loggedId(page);

    expect(await episodeTotal(request, practice)).toBe(before + 1);
    expect(await latestEpisode(request, practice)).toMatchObject({
      id,
      note,
      helpers: [filled.helper],
      services: [filled.service],
      tasks: [filled.task],
      duration_minutes: 5,
    });
  });
});
