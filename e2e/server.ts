// Starting and stopping one `lantern serve` for the browser suite (global-setup.ts starts one on a
// SQLite file and, for the sign-in journey, one on PostgreSQL: postgres.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const STARTUP_TIMEOUT_MS = 30_000;

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

export interface Served {
  baseURL: string;
  stop(): Promise<void>;
}

/**
 * Serves `database` (a file or a postgres:// URL) on a free loopback port, its output appended to
 * logFile; `extra` gives more arguments, knowing the server's base URL (for the CIS2 redirect URL).
 */
export async function serve(
  bin: string,
  database: string,
  logFile: string,
  extra: (baseURL: string) => string[] = () => [],
): Promise<Served> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const args = ['serve', '--database', database, '--listen', `127.0.0.1:${port}`, ...extra(baseURL)];
  const log = fs.openSync(logFile, 'a');
  fs.writeSync(log, `$ lantern ${args.join(' ')}\n`);
  const server = spawn(bin, args, {
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
  return {
    baseURL,
    async stop() {
      process.off('exit', killOnExit);
      await stop(server);
    },
  };
}
