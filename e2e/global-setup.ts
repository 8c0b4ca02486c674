// Starts one Lantern server on fresh synthetic demo data in a SQLite file for the whole run, and one
// on PostgreSQL for the sign-in journeys (postgres.ts), both signing in through the local CIS2
// provider too, and stops them afterwards.
//
//   LANTERN_BIN        the lantern binary (default: ../target/debug/lantern, relative to e2e/)
//   LANTERN_CHROMIUM   checked here so a missing browser fails with a clear message
//
// The server's URL reaches the tests as LANTERN_E2E_BASE_URL (workers inherit the environment), and
// tests/helpers.ts makes it Playwright's baseURL. The server's output goes to
// test-results/lantern-server.log.
//
// Every page needs sign-in, so once the server is up this signs each demo account in (with the
// keyboard, through the sign-in form) and saves its cookies to test-results/.auth/<port>/<role>.json
// (a folder per run, so runs at the same time cannot mix their cookies; its path reaches the workers
// as LANTERN_E2E_AUTH_DIR); tests start from those (`test.use({ storageState: authFile('reception')
// })`), each in a fresh context. It also empties e2e/artifacts/, where the accessibility crawl writes a screenshot of each page it visits
// (and the strategy PDF test the PDFs it prints).
import { chromium, type FullConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOnPostgres } from './postgres';
import { type Issuer, issuerFlags, startIssuer } from './issuer';
import { serve } from './server';
import { ALL_ROLES, AUTH_ROOT, authFile, ROLES, signIn } from './tests/auth';

const E2E_DIR = __dirname;

/**
 * LANTERN_BIN as given: relative to where the command was typed (npm keeps that in INIT_CWD, since
 * `npm test --prefix e2e` runs in e2e/); the default is relative to e2e/.
 */
function lanternBinary(): string {
  const given = process.env.LANTERN_BIN;
  const bin = given
    ? path.resolve(process.env.INIT_CWD || process.cwd(), given)
    : path.resolve(E2E_DIR, '../target/debug/lantern');
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new Error(
      `lantern binary not found or not executable at ${bin}: run \`cargo build -p lantern\` ` +
        'or set LANTERN_BIN',
    );
  }
  return bin;
}

function checkChromium(): void {
  const chromium = process.env.LANTERN_CHROMIUM || '/usr/bin/chromium';
  try {
    fs.accessSync(chromium, fs.constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${chromium}: run \`eval "$(scripts/ensure-browser)"\` or set LANTERN_CHROMIUM`,
    );
  }
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const bin = lanternBinary();
  checkChromium();

  const resultsDir = path.join(E2E_DIR, 'test-results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const logFile = path.join(resultsDir, 'lantern-server.log');
  freshArtifacts();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-e2e-'));
  const stops: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop();
    if (process.env.LANTERN_E2E_AUTH_DIR) fs.rmSync(process.env.LANTERN_E2E_AUTH_DIR, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const started = await start(bin, tmp, logFile);
    stops.push(started.stop);
    await signInEveryRole(config, process.env.LANTERN_E2E_BASE_URL as string);
    // The same provider serves both servers: each sends its own redirect URL, and tests run one at a time.
    const postgres = await startOnPostgres(bin, logFile, started.issuer);
    if (postgres) stops.push(postgres);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Screenshots (and printed PDFs) from the last run are removed, so the folder shows this run's only. */
function freshArtifacts(): void {
  const dir = path.join(E2E_DIR, 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith('.png') || name.endsWith('.pdf')) fs.rmSync(path.join(dir, name));
  }
}

/** Signs each demo account in once, through the sign-in form, and saves its cookies for the tests. */
async function signInEveryRole(config: FullConfig, baseURL: string): Promise<void> {
  const dir = path.join(AUTH_ROOT, new URL(baseURL).port);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.env.LANTERN_E2E_AUTH_DIR = dir;
  const browser = await chromium.launch(config.projects[0]?.use.launchOptions ?? {});
  try {
    for (const role of ALL_ROLES) {
      const context = await browser.newContext({ baseURL });
      const page = await context.newPage();
      try {
        await signIn(page, ROLES[role].username);
        await context.storageState({ path: authFile(role) });
      } catch (error) {
        throw new Error(`global setup could not sign in as ${ROLES[role].username}: ${String(error)}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
}

/**
 * The real national files in ../shared/data (LANTERN_SHARED_DATA), when present: POMI Apr–Sep 2018,
 * IMD 2019 by practice, the practice map and online consultations, so the uptake pages show England
 * from published data beside the demo's synthetic months. Without them the uptake specs that need
 * England skip (under CI, fail) naming the files missing, which LANTERN_E2E_NATIONAL_MISSING passes to
 * the workers.
 */
function importNationalData(bin: string, database: string, logFile: string): void {
  const shared = process.env.LANTERN_SHARED_DATA || path.resolve(E2E_DIR, '../../shared/data');
  const files: [string, string][] = [
    ['pomi', path.join(shared, 'pomi', 'pomi_apr2018_to_sep2018.zip')],
    ['imd', path.join(shared, 'deprivation', 'fingertips_93553_imd2019_by_practice.csv')],
    ['places', path.join(shared, 'registrations', 'gp-reg-pat-prac-map.csv')],
    ['oc', path.join(shared, 'online-consultations', 'oc_submissions_by_practice_oct2024_to_mar2025.csv.gz')],
  ];
  const missing = files.filter(([, file]) => !fs.existsSync(file)).map(([, file]) => file);
  if (missing.length === 0) {
    for (const [kind, file] of files) {
      const out = execFileSync(bin, ['import', kind, file, '--database', database], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      fs.appendFileSync(logFile, `$ lantern import ${kind} ${file}\n${out}\n`);
    }
  }
  process.env.LANTERN_E2E_NATIONAL_MISSING = missing.join(', ');
}

/**
 * The repository's Cloud Based Telephony fixtures (two publication summaries cut to a few PCNs, three
 * daily CSV slices), always present, so the uptake page's telephony section has real rows to show
 * (tests/telephony.spec.ts).
 */
function importTelephony(bin: string, database: string, logFile: string): void {
  const dir = path.resolve(E2E_DIR, '../crates/lantern-import/tests/fixtures/cbt');
  const files: [string, string][] = [
    ['cbt', 'Cloud Based Telephony Publication Summary October 2025.sample.xlsx'],
    ['cbt', 'Cloud Based Telephony Publication Summary November 2025.sample.xlsx'],
    ['cbt-csv', 'Cloud Based Telephony Calls Answered Metric - June 2026_Y59.sample.csv'],
    ['cbt-csv', 'Cloud Based Telephony Calls Answered Metric - June 2026_Unmapped.sample.csv'],
    ['cbt-csv', 'Cloud Based Telephony By Durations - June 2026_Y58.sample.csv'],
  ];
  for (const [kind, name] of files) {
    const file = path.join(dir, name);
    const out = execFileSync(bin, ['import', kind, file, '--database', database], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    fs.appendFileSync(logFile, `$ lantern import ${kind} ${file}\n${out}\n`);
  }
}

/** Seeds the database in `tmp`, starts the server and the CIS2 provider, and returns what stops them. */
async function start(bin: string, tmp: string, logFile: string): Promise<{ stop: () => Promise<void>; issuer: Issuer }> {
  const database = path.join(tmp, 'e2e.db');

  // Seed synthetic demo data (3 practices, Y99901..Y99903, with staff) without serving.
  const seeded = execFileSync(bin, ['demo', '--no-serve', '--database', database], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  fs.writeFileSync(logFile, `$ lantern demo --no-serve --database ${database}\n${seeded}\n`);
  importNationalData(bin, database, logFile);
  importTelephony(bin, database, logFile);

  // Sign-in through NHS CIS2 goes to the local test provider (tests/cis2.spec.ts).
  const issuer = await startIssuer(bin, logFile);
  let served;
  try {
    served = await serve(bin, database, logFile, (baseURL) => issuerFlags(issuer, baseURL));
  } catch (error) {
    await issuer.stop();
    throw error;
  }
  process.env.LANTERN_E2E_BASE_URL = served.baseURL;
  process.env.LANTERN_E2E_OIDC_ISSUER = issuer.url;
  return {
    issuer,
    stop: async () => {
      await served.stop();
      await issuer.stop();
    },
  };
}
