// The local NHS CIS2 stand-in (crates/oidc-test-issuer) for the browser suite: a real OpenID Connect
// provider on a loopback port that signs in as whoever the test names (POST /_test/person). Built
// beside the lantern binary (`cargo build -p lantern -p oidc-test-issuer`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const CLIENT_ID = 'lantern-e2e';

export interface Issuer {
  url: string;
  clientKey: string;
  stop(): Promise<void>;
}

export async function startIssuer(lanternBin: string, logFile: string): Promise<Issuer> {
  const bin = process.env.LANTERN_OIDC_ISSUER_BIN || path.join(path.dirname(lanternBin), 'oidc-test-issuer');
  if (!fs.existsSync(bin)) {
    throw new Error(`the test provider is not built at ${bin}: run \`cargo build -p oidc-test-issuer\``);
  }
  const child = spawn(bin, [CLIENT_ID], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const found: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the test provider did not start within 10 s')), 10_000);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        const [key, value] = line.split('=', 2);
        if (key && value) found[key] = value.trim();
      }
      if (found.OIDC_ISSUER && found.OIDC_CLIENT_KEY) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the test provider exited (${code}) before starting`)));
  });
  fs.appendFileSync(logFile, `test provider at ${found.OIDC_ISSUER}\n`);
  return {
    url: found.OIDC_ISSUER,
    clientKey: found.OIDC_CLIENT_KEY,
    async stop() {
      process.off('exit', killOnExit);
      child.kill('SIGTERM');
    },
  };
}

/** The flags that point a Lantern server at the provider. */
export function issuerFlags(issuer: Issuer, baseURL: string): string[] {
  return [
    '--oidc-issuer', issuer.url,
    '--oidc-client-id', CLIENT_ID,
    '--oidc-private-key', issuer.clientKey,
    '--oidc-redirect-url', `${baseURL}/sign-in/oidc/callback`,
  ];
}
