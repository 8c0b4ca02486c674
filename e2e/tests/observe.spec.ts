// Observation studies in the browser, as researcher@demo: a study created with the form, a session
// started, two overlapping tasks, an interruption and a note, the connection dropped mid-session (a
// task started and ended offline, the status counting the events waiting), the connection back with
// the first answer lost so the batch goes twice, the session ended; then the timeline the server stored is read over the API and must be exactly what was
// done, with nothing counted twice. A note holding an NHS number is refused and handed back. axe-core
// finds no violations on any observation page (list, study, template, capture, results), each saved as
// a screenshot in e2e/artifacts/.
import type { Locator, Page } from '@playwright/test';
import { capture, expectNoViolations } from './axe';
import { authFile, expect, test } from './helpers';

test.use({ storageState: authFile('researcher') });

interface StoredEvent {
  id: string;
  at: string;
  type: string;
  values?: Record<string, string>;
  task?: string;
  source?: string;
  text?: string;
}

interface SessionDetail {
  session: { id: string; ended_at: string | null };
  timeline: {
    tasks: { id: string; started_at: string; ended_at: string | null; values: Record<string, string>; closed_at_session_end: boolean }[];
    interruptions: { id: string; at: string; source: string }[];
    notes: { id: string; at: string; text: string }[];
    pauses: { start: string; end: string }[];
    ended_at: string | null;
  };
  events: StoredEvent[];
}

const TROUBLESHOOT = { what: 'Troubleshoot an error', with_whom: 'Patient', how: "Patient's own device", where: 'Front desk' };
const TRIAGE = { what: 'Phone triage', with_whom: 'Patient', how: 'Phone', where: 'Front desk' };
const RESET = { what: 'Reset password or unlock', with_whom: 'Carer', how: 'Computer or clinical system', where: 'Back office' };
const LABELS = { what: 'What', with_whom: 'With whom', how: 'How', where: 'Where' } as const;
const NOTE = 'Patient app showed an old error; a colleague asked about the rota meanwhile';

async function open(page: Page, url: string, status = 200): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(status);
}

function status(page: Page): Locator {
  return page.locator('#sync-status');
}

async function startTask(page: Page, values: Record<keyof typeof LABELS, string>): Promise<void> {
  const form = page.locator('#task-form');
  for (const [code, legend] of Object.entries(LABELS)) {
    await form.getByRole('group', { name: legend, exact: true }).getByLabel(values[code as keyof typeof LABELS], { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Start task' }).click();
}

async function endTask(page: Page, what: string): Promise<void> {
  await page.locator('#running').getByRole('button', { name: new RegExp(`^End ${what}`) }).click();
}

/** Creates a study over Y99901 with the researcher observing, from the list page; returns its id. */
async function createStudy(page: Page, name: string): Promise<string> {
  await open(page, '/observe');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.locator('input[name="practices"][value="Y99901"]').check();
  await expect(page.getByRole('checkbox', { name: /\(you\)$/ })).toBeChecked();
  await page.getByLabel('How consent was obtained').fill('Staff observed consented in writing; notices in the waiting room.');
  await Promise.all([page.waitForURL(/\/observe\/studies\/[0-9a-f-]+\?done=created/), page.getByRole('button', { name: 'Create study' }).click()]);
  return new URL(page.url()).pathname.split('/').pop() as string;
}

test('a scripted session survives a dropped connection and is stored exactly as done', async ({ page, context }) => {
  test.setTimeout(120_000);
  await open(page, '/observe');
  await expect(page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Observation' })).toHaveAttribute('aria-current', 'page');
  await capture(page, 'researcher', 'observe');
  await expectNoViolations(page, 'researcher: observation studies');

  const name = `Front desk ${Date.now().toString(36)}`;
  const study = await createStudy(page, name);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(page.locator('#done')).toContainText('The study is created');
  await capture(page, 'researcher', 'observe-study');
  await expectNoViolations(page, 'researcher: a study');

  await page.getByLabel('Start a session').selectOption({ index: 1 });
  await Promise.all([page.waitForURL(/\/observe\/sessions\/[0-9a-f-]+$/), page.getByRole('button', { name: 'Start observing' }).click()]);
  const session = new URL(page.url()).pathname.split('/').pop() as string;
  await expect(status(page)).toHaveText('Ready: nothing recorded yet');

  // Two tasks at once: helping with an app error while triaging a call.
  await startTask(page, TROUBLESHOOT);
  await expect(status(page)).toHaveText('Saved');
  await startTask(page, TRIAGE);
  await expect(page.locator('#running li')).toHaveCount(2);
  await page.locator('#interruption-form').getByLabel('Colleague', { exact: true }).check();
  await page.getByRole('button', { name: 'Record interruption' }).click();
  await page.getByLabel('What you noticed').fill(NOTE);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByLabel('What you noticed')).toHaveValue('');
  await expect(status(page)).toHaveText('Saved');
  await capture(page, 'researcher', 'observe-capture');
  await expectNoViolations(page, 'researcher: capture page with two tasks running');

  // A note that identifies a patient is refused by the server, shown, and handed back to correct.
  await page.getByLabel('What you noticed').fill('Helped 943 476 5919 with the app');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('#refused')).toBeVisible();
  await expect(page.locator('#refused')).toContainText(/looks like an NHS number/i);
  await expect(page.getByLabel('What you noticed')).toHaveValue('Helped 943 476 5919 with the app');
  await expect(status(page)).toHaveText('Saved');
  await expectNoViolations(page, 'researcher: capture page with a refused note');
  await page.getByLabel('What you noticed').fill('');

  await endTask(page, TROUBLESHOOT.what);
  await expect(page.locator('#running li')).toHaveCount(1);
  await expect(status(page)).toHaveText('Saved');

  // The connection drops: a task is started and ended, and the triage call ends, all offline.
  await context.setOffline(true);
  await startTask(page, RESET);
  await expect(status(page)).toHaveText('Offline — 1 event waiting');
  await endTask(page, RESET.what);
  await endTask(page, TRIAGE.what);
  await expect(status(page)).toHaveText('Offline — 3 events waiting');
  await expect(page.locator('#timeline').getByText('Waiting to be saved')).toHaveCount(3);
  await capture(page, 'researcher', 'observe-capture-offline');
  await expectNoViolations(page, 'researcher: capture page offline');
  // Back online, the first answer is lost on the way back (the server stored the batch, the page never
  // heard): the page sends the same batch again and the server counts nothing twice.
  let lost: { new: number; duplicates: number } | undefined;
  const events = `/api/v1/sessions/${session}/events`;
  await page.route(`**${events}`, async (route) => {
    lost = await (await route.fetch()).json();
    await route.abort('internetdisconnected');
  }, { times: 1 });
  const resent = page.waitForResponse((r) => new URL(r.url()).pathname === events && r.status() === 200);
  await context.setOffline(false);
  const again = await (await resent).json();
  expect(lost, 'the lost answer').toMatchObject({ new: 3, duplicates: 0 });
  expect(again, 'the answer to the batch sent again').toMatchObject({ new: 0, duplicates: 3 });
  await expect(status(page)).toHaveText('Saved', { timeout: 20_000 });
  await expect(page.locator('#timeline').getByText('Waiting to be saved')).toHaveCount(0);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Start task' })).toBeDisabled();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(status(page)).toHaveText('Saved');

  // What this device recorded, before the session ends (ending clears the device's copy once saved).
  const local = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), `lantern.observe.${session}`);
  expect(local.pending).toEqual([]);
  const recorded = local.events as StoredEvent[];

  await page.getByRole('button', { name: 'End session' }).click();
  await expect(page.locator('#ended-note')).toBeVisible();
  await expect(status(page)).toHaveText('Saved');
  await capture(page, 'researcher', 'observe-capture-ended');
  await expectNoViolations(page, 'researcher: capture page after the session ended');

  const response = await page.request.get(`/api/v1/sessions/${session}`);
  expect(response.status()).toBe(200);
  const stored = (await response.json()) as SessionDetail;

  // Every event recorded on the device is stored once, exactly as recorded, and nothing else but the end.
  const ids = stored.events.map((e) => e.id);
  expect(new Set(ids).size, 'no event stored twice').toBe(ids.length);
  const same = (e: StoredEvent) => ({ ...e, at: Date.parse(e.at) });
  const byId = new Map(stored.events.map((e) => [e.id, same(e)]));
  for (const e of recorded) expect(byId.get(e.id), `event ${e.type} ${e.id}`).toEqual(same(e));
  const extra = stored.events.filter((e) => !recorded.some((r) => r.id === e.id));
  expect(extra.map((e) => e.type)).toEqual(['session_ended']);
  expect(stored.events.map((e) => e.type).sort()).toEqual(
    ['interruption', 'note', 'paused', 'resumed', 'session_ended', 'task_ended', 'task_ended', 'task_ended', 'task_started', 'task_started', 'task_started'],
  );

  // The timeline those events add up to: three tasks with their values, the first two overlapping.
  const t = stored.timeline;
  const code = { troubleshoot: { what: 'troubleshoot', with_whom: 'patient', how: 'patient_device', where: 'front_desk' },
    triage: { what: 'phone_triage', with_whom: 'patient', how: 'phone', where: 'front_desk' },
    reset: { what: 'reset_password', with_whom: 'carer', how: 'clinical_system', where: 'back_office' } };
  expect(t.tasks.map((task) => task.values)).toEqual([code.troubleshoot, code.triage, code.reset]);
  expect(t.tasks.every((task) => task.ended_at !== null && !task.closed_at_session_end), 'every task ended by the observer').toBe(true);
  const [help, triage, reset] = t.tasks.map((task) => ({ start: Date.parse(task.started_at), end: Date.parse(task.ended_at as string) }));
  expect(triage.start, 'triage began while helping').toBeLessThan(help.end);
  expect(help.end, 'help ended before the triage call').toBeLessThan(triage.end);
  expect(reset.start, 'the offline task began after the help ended').toBeGreaterThan(help.end);
  expect(reset.end).toBeLessThan(triage.end);
  expect(t.interruptions.map((i) => i.source)).toEqual(['colleague']);
  const interruptedAt = Date.parse(t.interruptions[0].at);
  expect(interruptedAt > triage.start && interruptedAt < help.end, 'the interruption came during both tasks').toBe(true);
  expect(t.notes.map((n) => n.text)).toEqual([NOTE]);
  expect(t.pauses).toHaveLength(1);
  expect(t.ended_at).not.toBeNull();
  expect(stored.session.ended_at).not.toBeNull();

  // The study lists the session as ended; the results count it.
  await open(page, `/observe/studies/${study}`);
  await expect(page.locator(`#session-${session}`)).toContainText('Ended');
  await open(page, `/observe/studies/${study}/results`);
  await expect(page.locator('#counted')).toContainText('1 session coded with template version 1');
  const tasks = page.locator('#rate-list .nhsuk-summary-list__row').filter({ has: page.getByText('Tasks', { exact: true }) });
  await expect(tasks.locator('dd')).toHaveText('3');
  await expect(page.locator('#gap-table')).toContainText('Everyone observed');
  await expect(page.locator('#gap-rule')).toContainText('Observed help is the tasks coded');
  await capture(page, 'researcher', 'observe-results');
  await expectNoViolations(page, 'researcher: results');
});

test('the observation forms show their errors accessibly', async ({ page }) => {
  await open(page, '/observe');
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Create study' }).click()]);
  await expect(page).toHaveTitle(/^Error:/);
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Note how consent was obtained');
  await capture(page, 'researcher', 'observe-error');
  await expectNoViolations(page, 'researcher: new study with errors');

  const study = await createStudy(page, `Template check ${Date.now().toString(36)}`);
  await open(page, `/observe/studies/${study}/template`);
  await expectNoViolations(page, 'researcher: the template form');
  await page.getByLabel('Categories, one a line').first().fill('troubleshoot | Troubleshoot | digital help\nno label here');
  await page.getByRole('button', { name: 'Save the template' }).click();
  await expect(page).toHaveTitle(/^Error:/);
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Line 2 of What');
  await capture(page, 'researcher', 'observe-template-error');
  await expectNoViolations(page, 'researcher: the template form with an error');

  // Starting a session without saying whom, and pairing two sessions by one observer, are refused.
  await open(page, `/observe/studies/${study}`);
  await page.getByRole('button', { name: 'Start observing' }).click();
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Choose the member of staff you are observing');
  await expectNoViolations(page, 'researcher: starting a session without choosing whom');
  for (let i = 0; i < 2; i++) {
    await open(page, `/observe/studies/${study}`);
    await page.getByLabel('Start a session').selectOption({ index: 1 });
    await Promise.all([page.waitForURL(/\/observe\/sessions\//), page.getByRole('button', { name: 'Start observing' }).click()]);
    await expect(status(page)).toHaveText('Ready: nothing recorded yet');
  }
  await open(page, `/observe/studies/${study}`);
  await page.getByRole('button', { name: 'Mark as a pair' }).click();
  await expect(page.locator('.nhsuk-error-summary')).toContainText('same observer');
  await capture(page, 'researcher', 'observe-study-error');
  await expectNoViolations(page, 'researcher: a study with a refused pair');

  await open(page, `/observe/studies/${study}/results?slice=0`, 400);
  await expect(page.locator('.nhsuk-error-summary')).toContainText('1 to 600');
  await expectNoViolations(page, 'researcher: results with a bad slice length');
});
