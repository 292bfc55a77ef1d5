import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testConfig } from '@app/testing';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..');

/** POST /graphql on a fresh connection: the error code answered, or how the connection failed. */
function post(port: number, query: string): Promise<string> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ query });
    const req = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if (res.statusCode === 503) return resolve('refused before it started');
        try {
          resolve((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code ?? `${res.statusCode} ${text}`);
        } catch {
          resolve(`${res.statusCode} ${text}`);
        }
      });
      res.on('error', (error) => resolve(`broken: ${error.message}`));
    });
    req.on('error', (error: Error & { code?: string }) => resolve(error.code === 'ECONNREFUSED' ? 'refused before it started' : `broken: ${error.message}`));
    req.end(body);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('graceful shutdown of the API', () => {
  it('finishes the requests in flight on SIGTERM, then exits 0', async () => {
    const port = await freePort();
    const config = testConfig();
    const api = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/api/src/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: config.databaseUrl, QUEUE_PREFIX: config.queuePrefix, JWT_SECRET: config.jwt.secret, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => api.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 150; i += 1) {
      const up = await fetch(`${url}/health/live`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    // sign-ins are slow on purpose (argon2id): fired just before SIGTERM, some are running
    // when it arrives; a request the server had not begun is refused cleanly instead
    // each on its own new connection (no keep-alive), as separate clients would
    const inFlight = Array.from({ length: 8 }, (_, i) => post(port, `mutation { login(email: "inflight${i}@x${port}.cn", password: "not the password") { accessToken } }`));
    await new Promise((r) => setTimeout(r, 40));
    api.kill('SIGTERM');

    const answers = await Promise.all(inFlight);
    expect(await exited).toBe(0);
    // The server counts a sign-in against its account once it starts checking it: every
    // sign-in it worked on was answered. A connection it never read (still in the kernel's
    // queue at SIGTERM) may be refused or reset: that request never started.
    const db = new Client({ connectionString: config.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ key: string }>(`SELECT key FROM login_failures WHERE key LIKE 'account:inflight%' AND key LIKE $1`, [`%@x${port}.cn`]);
    await db.end();
    const processed = rows.map((r) => Number(/inflight(\d+)@/.exec(r.key)?.[1]));
    expect(processed.length).toBeGreaterThan(0);
    for (const i of processed) expect(`${i}: ${answers[i]}`).toBe(`${i}: UNAUTHENTICATED`);
    for (const answer of answers) expect(['UNAUTHENTICATED', 'refused before it started', 'broken: read ECONNRESET']).toContain(answer);
    // and it no longer accepts connections
    expect(await fetch(`${url}/health/live`).then(() => 'answered', () => 'refused')).toBe('refused');
  });
});
