import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testConfig } from '@app/testing';

const ROOT = join(__dirname, '..', '..');

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
    const inFlight = Array.from({ length: 8 }, (_, i) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(email: "inflight${i}@x.cn", password: "not the password") { accessToken } }` }),
      }).then(
        async (r) => {
          const text = await r.text();
          if (r.status === 503) return 'refused before it started';
          return (JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code ?? `${r.status} ${text}`;
        },
        (error: Error & { cause?: { code?: string } }) => (error.cause?.code === 'ECONNREFUSED' ? 'refused before it started' : `broken: ${error.message}`),
      ),
    );
    await new Promise((r) => setTimeout(r, 40));
    api.kill('SIGTERM');

    const answers = await Promise.all(inFlight);
    // every request either completed with its real answer or was refused cleanly, none was cut off
    expect(answers.filter((a) => a !== 'UNAUTHENTICATED' && a !== 'refused before it started')).toEqual([]);
    expect(answers).toContain('UNAUTHENTICATED');
    expect(await exited).toBe(0);
    // and it no longer accepts connections
    expect(await fetch(`${url}/health/live`).then(() => 'answered', () => 'refused')).toBe('refused');
  });
});
