// Starts one Lantern server on fresh synthetic demo data for the whole run, and stops it afterwards.
//
//   LANTERN_BIN        the lantern binary (default: ../target/debug/lantern, relative to e2e/)
//   LANTERN_CHROMIUM   checked here so a missing browser fails with a clear message
//
// The server's URL reaches the tests as LANTERN_E2E_BASE_URL (workers inherit the environment), and
// tests/helpers.ts makes it Playwright's baseURL. The server's output goes to
// test-results/lantern-server.log.
import type { FullConfig } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const E2E_DIR = __dirname;
const STARTUP_TIMEOUT_MS = 30_000;

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

/** A port nobody listens on right now: bind port 0 on loopback, read the port, let it go. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a loopback listener'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

async function waitForHealth(baseURL: string, server: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(
        `lantern serve exited (${server.exitCode ?? server.signalCode}) before answering; see ${logFile}`,
      );
    }
    try {
      const response = await fetch(`${baseURL}/api/v1/health`);
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`lantern serve did not become healthy within ${STARTUP_TIMEOUT_MS} ms (${last}); see ${logFile}`);
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => server.kill('SIGKILL'), 5_000);
    server.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    // SIGTERM: lantern finishes requests in flight and closes the database.
    server.kill('SIGTERM');
  });
}

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const bin = lanternBinary();
  checkChromium();

  const resultsDir = path.join(E2E_DIR, 'test-results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const logFile = path.join(resultsDir, 'lantern-server.log');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-e2e-'));
  try {
    return await start(bin, tmp, logFile);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Seeds the database in `tmp`, starts the server, and returns the teardown that stops it. */
async function start(bin: string, tmp: string, logFile: string): Promise<() => Promise<void>> {
  const database = path.join(tmp, 'e2e.db');

  // Seed synthetic demo data (3 practices, Y99901..Y99903, with staff) without serving.
  const seeded = execFileSync(bin, ['demo', '--no-serve', '--database', database], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  fs.writeFileSync(logFile, `$ lantern demo --no-serve --database ${database}\n${seeded}\n`);

  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, 'a');
  fs.writeSync(log, `$ lantern serve --database ${database} --listen 127.0.0.1:${port}\n`);
  const server = spawn(bin, ['serve', '--database', database, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', log, log],
    env: { RUST_LOG: 'info', NO_COLOR: '1', ...process.env },
  });
  fs.closeSync(log);
  // Should the runner die without tearing down, do not leave the server behind.
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitForHealth(baseURL, server, logFile);
  } catch (error) {
    await stop(server);
    throw error;
  }
  process.env.LANTERN_E2E_BASE_URL = baseURL;

  return async () => {
    process.off('exit', killOnExit);
    await stop(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
}
