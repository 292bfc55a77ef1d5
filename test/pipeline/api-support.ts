import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/**
 * A database of its own, migrated by the real `db:migrate`: for what is global to a database
 * (one full recompute runs at a time, over every company), so that no other test's run, relay
 * or companies meet this one's.
 */
export async function isolatedDatabase(runDatabaseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const url = new URL(runDatabaseUrl);
  url.pathname = `${url.pathname}_pipe_${randomBytes(3).toString('hex')}`;
  await run(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'libs/persistence/src/cli/migrate.ts')], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' },
  });
  return {
    url: url.toString(),
    drop: async () => {
      const admin = new URL(url.toString());
      const name = admin.pathname.slice(1);
      admin.pathname = '/postgres';
      const client = new Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface Subscription<T> {
  next(timeoutMs?: number): Promise<T>;
  /** what arrived but was not taken by next() yet */
  readonly received: T[];
  readonly errors: { message?: string; extensions?: { code?: string } }[];
  close(): Promise<void>;
}

/** A graphql-ws subscription with variables; errors of the operation are collected, not thrown. */
export async function subscribe<T>(baseUrl: string, token: string, query: string, variables?: Record<string, unknown>): Promise<Subscription<T>> {
  const { createClient } = await import('graphql-ws');
  const WebSocket = (await import('ws')).default;
  const client = createClient({ url: `${baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
  const received: T[] = [];
  const errors: Subscription<T>['errors'] = [];
  const ready = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  client.subscribe<T>(
    { query, variables },
    {
      next: (value) => (value.errors?.length ? errors.push(...(value.errors as Subscription<T>['errors'])) : received.push(value.data as T)),
      error: (e) => errors.push(...(Array.isArray(e) ? (e as Subscription<T>['errors']) : [{ message: String(e) }])),
      complete: () => undefined,
    },
  );
  await ready;
  // the subscription starts a moment after the socket: give the server time to register it
  await new Promise((r) => setTimeout(r, 300));
  return {
    received,
    errors,
    next: async (timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length === 0) {
        if (errors.length) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (Date.now() > deadline) throw new Error('no subscription message');
        await new Promise((r) => setTimeout(r, 25));
      }
      return received.shift() as T;
    },
    close: async () => {
      await client.dispose();
    },
  };
}
