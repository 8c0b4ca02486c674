// The browser suite: Playwright driving Debian's Chromium (browser downloads are not possible on the
// project's machines, so the binary comes from LANTERN_CHROMIUM, never from `playwright install`).
//
// Run from anywhere:  LANTERN_BIN=… LANTERN_CHROMIUM=… npm test --prefix e2e
// Every path here is relative to this file, not to the working directory.
import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { ciIsSet } from './ci';
import { POSTGRES_PROJECT } from './postgres';

const chromium = process.env.LANTERN_CHROMIUM || '/usr/bin/chromium';

export default defineConfig({
  testDir: path.join(__dirname, 'tests'),
  outputDir: path.join(__dirname, 'test-results', 'artifacts'),
  globalSetup: path.join(__dirname, 'global-setup.ts'),
  // One Lantern server and one database for the run; the tests compare episode counts before and
  // after, so they run one at a time (the machines have 2 cores anyway).
  workers: 1,
  fullyParallel: false,
  forbidOnly: ciIsSet(),
  retries: 0,
  // Generous: a debug build and Chromium share two cores. Nothing sleeps; everything waits for
  // something (a response, a URL, an element), so these only bound how long a failure takes.
  timeout: 60_000,
  // 181 tests take about 18 minutes on a busy 2-core machine (PostgreSQL journey included); CI allows 90.
  globalTimeout: 40 * 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    [path.join(__dirname, 'summary-reporter.ts')],
    // Read by `lantern assurance` (scripts/test) for the pack's accessibility figures.
    ['junit', { outputFile: process.env.LANTERN_E2E_JUNIT ?? path.join(__dirname, '..', 'target', 'e2e', 'junit.xml') }],
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium' },
    // The sign-in journey and CIS2 sign-in again, against the server global setup starts on
    // PostgreSQL (postgres.ts); tests/helpers.ts gives this project that server's baseURL.
    { name: POSTGRES_PROJECT, testMatch: /(journey|cis2)\.spec\.ts$/ },
  ],
});
