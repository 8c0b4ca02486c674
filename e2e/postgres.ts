// The sign-in journey and the CIS2 sign-in run on PostgreSQL too (the `postgres` project in
// playwright.config.ts), so the browser suite proves a group of practices on PostgreSQL can sign in
// (with a password or through NHS CIS2), log, edit and undo. Global setup
// creates a fresh database for the run on the server the Rust tests use (LANTERN_TEST_POSTGRES_URL,
// which scripts/test sets, else 127.0.0.1:5432 as role postgres), seeds it with `lantern demo
// --no-serve`, serves it, and drops it at the end. Without a server it says why in
// LANTERN_E2E_POSTGRES_MISSING, and the project's tests skip (under CI, fail) naming it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { type Issuer, issuerFlags } from './issuer';
import { serve } from './server';

/** The Playwright project (playwright.config.ts) whose tests run against the PostgreSQL server. */
export const POSTGRES_PROJECT = 'postgres';

/** psql from PATH, else Debian's versioned folder (newest first). */
function findPsql(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const debian = fs.existsSync('/usr/lib/postgresql')
    ? fs
        .readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  return [...dirs, ...debian].map((d) => `${d}/psql`).find((p) => fs.existsSync(p));
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The server's URL, as the Rust tests find it (lantern_store::testing), or why there is none. */
async function serverUrl(): Promise<{ url: string } | { missing: string }> {
  const given = (process.env.LANTERN_TEST_POSTGRES_URL ?? '').trim();
  if (given) return { url: given };
  if (await listening('127.0.0.1', 5432)) return { url: 'postgres://postgres@127.0.0.1:5432/test' };
  return { missing: 'LANTERN_TEST_POSTGRES_URL is unset and nothing listens on 127.0.0.1:5432' };
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Starts the PostgreSQL server for the `postgres` project; its URL reaches the workers as
 * LANTERN_E2E_POSTGRES_BASE_URL. Returns its teardown (stop, then drop the database), or nothing when
 * there is no PostgreSQL (LANTERN_E2E_POSTGRES_MISSING says why).
 */
export async function startOnPostgres(
  bin: string,
  logFile: string,
  issuer?: Issuer,
): Promise<(() => Promise<void>) | undefined> {
  const server = await serverUrl();
  const psql = findPsql();
  if ('missing' in server || psql === undefined) {
    const why = 'missing' in server ? server.missing : 'psql is not installed (apt-get install postgresql-client)';
    process.env.LANTERN_E2E_POSTGRES_MISSING = why;
    console.log(`global setup: no PostgreSQL for the sign-in journey: ${why}`);
    return undefined;
  }
  const sql = (statement: string) =>
    execFileSync(psql, [server.url, '-XAtqc', statement], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PGCONNECT_TIMEOUT: '5', ...process.env },
    });
  const name = `lantern_e2e_${process.pid}_${Date.now()}`;
  sql(`CREATE DATABASE ${name}`);
  const database = withDatabase(server.url, name);
  const drop = () => sql(`DROP DATABASE IF EXISTS ${name}`);
  try {
    const seeded = execFileSync(bin, ['demo', '--no-serve', '--database', database], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    fs.appendFileSync(logFile, `$ lantern demo --no-serve --database ${database}\n${seeded}\n`);
    const served = await serve(bin, database, logFile, (baseURL) => (issuer ? issuerFlags(issuer, baseURL) : []));
    process.env.LANTERN_E2E_POSTGRES_BASE_URL = served.baseURL;
    return async () => {
      await served.stop();
      drop();
    };
  } catch (error) {
    drop();
    throw error;
  }
}
