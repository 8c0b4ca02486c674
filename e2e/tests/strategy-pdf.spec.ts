// The issue: "The strategy page renders for each demo practice, prints to PDF in headless Chromium
// (`--print-to-pdf`), and the PDF text contains the owners and the figures shown on the dashboard."
//
// As admin@demo, for each demo practice: read the dashboard's headline figures for the last complete
// quarter (the quarter a draft is written from) and the owners on "Who owns what"; draft a strategy
// and sign it off with the page's buttons; save the page as the browser has it (asset addresses made
// absolute), print it with the Chromium binary itself (`--print-to-pdf`, a child process, as someone
// would from a script), and read the PDF's text back with pdftotext (Debian's poppler-utils, which
// scripts/ensure-browser installs). Without pdftotext the test skips, saying so; under CI that
// is a failure instead.
//
// pdftotext runs twice: `-layout` (as a person reads the page) for the figures and the banner, and
// `-raw` (content order) for the owners table, whose wrapped cells `-layout` interleaves column by
// column ("Margaret      1   Not set ..." then "(synthetic)" a line below).
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ARTIFACTS } from './axe';
import { authFile, expect, skipWithout, test } from './helpers';
import {
  dayInLastQuarter,
  DEMO_PRACTICES,
  newStrategyInForce,
  ownersShown,
  parsePounds,
  parseWhole,
  squash,
} from './practice';

const run = promisify(execFile);
const CHROMIUM = process.env.LANTERN_CHROMIUM || '/usr/bin/chromium';
const SITE_BANNER = 'Synthetic demonstration data — not real patients, staff or practices';
const STRATEGY_BANNER = 'Synthetic demonstration data — not a real practice.';

/** Whether pdftotext can run; without it the test skips (or, under CI, fails), saying why. */
function requirePdftotext(): void {
  const probe = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
  if (!probe.error) return;
  skipWithout(`pdftotext (${probe.error.message}): run scripts/ensure-browser as root, or apt-get install poppler-utils`);
}

/** Prints a saved page with the Chromium binary itself, as a child process; returns the PDF's path. */
async function printToPdf(htmlFile: string, dir: string): Promise<string> {
  const pdf = path.join(dir, 'strategy.pdf');
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    // A profile of its own, so a Chromium someone already has open (or Playwright's) cannot interfere.
    `--user-data-dir=${path.join(dir, 'profile')}`,
    `--print-to-pdf=${pdf}`,
    `file://${htmlFile}`,
  ];
  try {
    await run(CHROMIUM, args, { timeout: 90_000 });
  } catch (error) {
    const e = error as { message: string; stderr?: string };
    throw new Error(`${CHROMIUM} --print-to-pdf failed: ${e.message}\n${e.stderr ?? ''}`);
  }
  expect(fs.existsSync(pdf), `${CHROMIUM} wrote no PDF at ${pdf}`).toBe(true);
  expect(fs.readFileSync(pdf).subarray(0, 5).toString('latin1'), 'the file is a PDF').toBe('%PDF-');
  return pdf;
}

async function pdfText(pdf: string, mode: '-layout' | '-raw'): Promise<string> {
  const { stdout } = await run('pdftotext', [mode, '-enc', 'UTF-8', pdf, '-'], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** The number after `label` in the PDF's text ("Episodes of help: 1,234" → "1,234"), or a failure. */
function figureAfter(text: string, label: string, pattern: string): string {
  const match = new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (${pattern})`).exec(text);
  expect(match, `"${label} …" in the PDF's text:\n${text}`).toBeTruthy();
  return (match as RegExpExecArray)[1];
}

test.describe('the strategy printed to PDF', () => {
  test.use({ storageState: authFile('admin') });

  for (const practice of DEMO_PRACTICES) {
    test(`${practice}: drafted, signed off and printed by Chromium; the PDF names the owners and has the dashboard's figures`, async ({
      page,
      baseURL,
    }, testInfo) => {
      requirePdftotext();
      test.setTimeout(120_000);

      // What the dashboard shows for the quarter a draft is written from.
      const day = dayInLastQuarter();
      const dashboard = await page.goto(`/dashboard?practice=${practice}&period=quarter&date=${day}`);
      expect(dashboard?.status()).toBe(200);
      const shown = async (id: string) => ((await page.locator(`#${id}`).textContent()) ?? '').trim();
      const periodLabel = await shown('period-label');
      const episodesText = await shown('figure-episodes');
      const minutesText = await shown('figure-minutes');
      const costText = await shown('figure-cost');
      const per1000Text = await shown('figure-episodes-per-1000');
      const reading = squash(await shown('reading'));
      const episodes = parseWhole(episodesText, 'the dashboard\'s "Episodes of help"');
      const minutes = parseWhole(minutesText, 'the dashboard\'s "Minutes of help"');
      const cost = parsePounds(costText, 'the dashboard\'s "Cost of staff time"');
      expect(episodes, `the demo data has help at ${practice} in ${periodLabel}`).toBeGreaterThan(0);
      testInfo.annotations.push({
        type: 'dashboard',
        description: `${practice}, ${periodLabel}: ${episodesText} episodes, ${minutesText} minutes, ${costText}, ${per1000Text} per 1,000`,
      });

      // Who owns what, as "Who owns what" shows it.
      const owners = await ownersShown(page, practice);
      expect(owners.length).toBeGreaterThan(0);
      if (practice === 'Y99901') {
        expect(owners.find((o) => o.code === 'nhs_login')?.owner, 'the demo: NHS login at Y99901 is owned by the practice manager').toBe(
          'Margaret (synthetic)',
        );
      }
      expect(owners.some((o) => o.owner === null), `a service at ${practice} with no owner`).toBe(true);
      expect(owners.some((o) => o.owner !== null), `a service at ${practice} with an owner`).toBe(true);

      // Drafted and signed off with the page's buttons; then the page in force, as the browser has it.
      const version = await newStrategyInForce(page, practice);
      const response = await page.goto(`/strategy?practice=${practice}`);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toContainText(`(${practice})`);
      await expect(page.locator('#strategy-status')).toContainText(`Version ${version},`);
      await expect(page.locator('#strategy-status')).toContainText('In force');
      const origin = new URL(baseURL as string).origin;
      const html = (await page.content()).replace(/(href|src)="\/assets\//g, `$1="${origin}/assets/`);
      expect(html, 'the print stylesheet is linked, now absolute').toContain(`href="${origin}/assets/print.css" media="print"`);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-strategy-pdf-'));
      try {
        const saved = path.join(dir, `strategy-${practice}.html`);
        fs.writeFileSync(saved, html);
        const pdf = await printToPdf(saved, dir);
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        fs.copyFileSync(pdf, path.join(ARTIFACTS, `admin-strategy-${practice}.pdf`));
        await testInfo.attach(`strategy-${practice}.pdf`, { path: pdf, contentType: 'application/pdf' });

        const layout = await pdfText(pdf, '-layout');
        const raw = await pdfText(pdf, '-raw');
        await testInfo.attach(`strategy-${practice}.txt`, { body: layout, contentType: 'text/plain' });
        const text = squash(layout);
        const rawText = squash(raw);

        // The document, not the screen's frame: the banner stays, the menu and buttons do not.
        expect(text, 'the synthetic-data banner is printed').toContain(SITE_BANNER);
        expect(text, "the strategy's own synthetic notice").toContain(STRATEGY_BANNER);
        expect(text).toContain(`Digital support strategy:`);
        expect(text).toContain(`(${practice})`);
        for (const frame of ['Sign out', 'Log help', 'Your account', 'Draft a new version', 'I have read this strategy']) {
          expect(text, `"${frame}" is the screen's, not the printed document's`).not.toContain(frame);
        }

        // The same quarter as the dashboard, and the same figures, formatted the same way.
        expect(text, 'the strategy covers the quarter the dashboard showed').toContain(`Last quarter's hidden work (${periodLabel})`);
        const pdfEpisodes = figureAfter(text, 'Episodes of help:', '[\\d,]+');
        expect(parseWhole(pdfEpisodes, 'the PDF\'s "Episodes of help"'), 'episodes: PDF = dashboard').toBe(episodes);
        expect(pdfEpisodes, 'episodes are written as the dashboard writes them').toBe(episodesText);
        const pdfMinutes = figureAfter(text, 'Minutes of help:', '[\\d,]+');
        expect(parseWhole(pdfMinutes, 'the PDF\'s "Minutes of help"'), 'minutes: PDF = dashboard').toBe(minutes);
        const pdfCost = figureAfter(text, 'Cost of staff time:', '£[\\d,]+(?:\\.\\d{2})?');
        const printed = parsePounds(pdfCost, 'the PDF\'s "Cost of staff time"');
        if (cost.wholePounds || printed.wholePounds) {
          // One of them rounds to whole pounds: the same amount to the pound.
          expect(Math.round(printed.pence / 100), `cost: PDF ${pdfCost} = dashboard ${costText} to the pound`).toBe(
            Math.round(cost.pence / 100),
          );
        } else {
          expect(printed.pence, `cost: PDF ${pdfCost} = dashboard ${costText}`).toBe(cost.pence);
          expect(pdfCost, 'the cost is written as the dashboard writes it').toBe(costText);
        }
        expect(figureAfter(text, 'Episodes per 1,000 registered patients:', '[\\d.,]+'), 'per 1,000: PDF = dashboard').toBe(per1000Text);
        expect(text, "the dashboard's reading of who carries the work").toContain(reading);

        // Every service's owner as "Who owns what" shows it, in its row; "No owner" where there is none.
        for (const row of owners) {
          if (row.left) {
            testInfo.annotations.push({ type: 'owner has left', description: `${row.label}: ${row.owner} (not checked)` });
            continue;
          }
          const expected = `${row.label} ${row.owner ?? 'No owner'}`;
          expect(rawText, `the owners table row "${expected}" in the PDF:\n${raw}`).toContain(expected);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('printing /strategy (print media) hides the menu and keeps the synthetic banner', async ({ page }) => {
    await page.goto('/strategy?practice=Y99901');
    // Make sure there is a document to print (the tests may run in any order).
    if ((await page.locator('.lantern-document').count()) === 0) await newStrategyInForce(page, 'Y99901');
    await page.goto('/strategy?practice=Y99901');
    await expect(page.getByRole('navigation', { name: 'Menu' })).toBeVisible();
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('nav[aria-label=Menu]')).not.toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).not.toBeVisible();
    await expect(page.locator('.lantern-synthetic')).toBeVisible();
    await expect(page.locator('.lantern-synthetic')).toHaveText(SITE_BANNER);
    await expect(page.locator('.lantern-document')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: /Draft a new version/ })).not.toBeVisible();
    await page.emulateMedia({ media: 'screen' });
    await expect(page.locator('nav[aria-label=Menu]')).toBeVisible();
  });
});
