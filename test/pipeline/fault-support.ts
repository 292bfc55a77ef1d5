import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Servers a fault test can stop: its own redis-server or PostgreSQL on a spare port, so
 * stopping it harms no other test. Every helper here is safe to call twice and after a
 * failure, so an afterAll can always clean up.
 */

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects after `ms`. */
export async function waitForPort(port: number, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${ms} ms`);
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a child process to exit; kills it with SIGKILL if it has not after `ms`. */
export async function waitForExit(child: ChildProcess, ms = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------
// Redis

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  /**
   * (re)starts redis-server on the same port and directory: an empty Redis (no persistence),
   * or, with `appendOnly`, one that replays its append-only file first
   */
  start(): Promise<void>;
  /** stops it abruptly (SIGKILL: a crash, like `docker kill`) and waits until it is gone */
  stop(): Promise<void>;
  /** stops it and removes its directory */
  destroy(): Promise<void>;
}

export interface PrivateRedisOptions {
  /**
   * Keep an append-only file (`--appendonly yes`), as production does (docker/compose.yml),
   * fsynced before every reply (`--appendfsync always`, where production has `everysec`), so
   * that a job Redis acknowledged is on disk when the test kills it: a restart replays it.
   */
  readonly appendOnly?: boolean;
}

/**
 * A redis-server of this test on a spare port, with no persistence (`--save '' --appendonly
 * no`), or with its append-only file only (`appendOnly`; still no snapshots).
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const persistence = options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ca-fault-redis-'));
  let child: ChildProcess | null = null;
  let output = '';
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== null;
    },
    async start() {
      if (child) return;
      output = '';
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir, '--daemonize', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child = started;
      started.once('exit', () => {
        if (child === started) child = null;
      });
      try {
        await waitForPort(port);
        // it listens while it loads its append-only file, answering LOADING: wait for the load
        if (options.appendOnly) await waitForLoaded(port);
      } catch (error) {
        throw new Error(`redis-server did not start on ${port}: ${(error as Error).message}\n${output.slice(-2_000)}`, { cause: error });
      }
    },
    async stop() {
      const running = child;
      if (!running) return;
      running.kill('SIGKILL');
      await waitForExit(running);
      child = null;
    },
    async destroy() {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}

/** Resolves once the Redis on `port` answers PING with PONG (not LOADING), or rejects after `ms`. */
async function waitForLoaded(port: number, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = await new Promise<string>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      let text = '';
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.once('error', () => resolve(''));
    });
    if (reply.startsWith('+PONG')) return;
    if (Date.now() > deadline) throw new Error(`redis on port ${port} did not answer PING within ${ms} ms (last: ${reply.trim() || 'no answer'})`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

/** The PostgreSQL server binaries (initdb, pg_ctl): the newest installed major version. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, versions[0], 'bin');
}

/** initdb and pg_ctl refuse to run as root: as root, run them as the `postgres` user. */
function pgCommand(command: string, args: readonly string[]): [string, string[]] {
  const binary = join(postgresBin(), command);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, [...args]];
}

/** Runs a PostgreSQL command without blocking the event loop (the API under test shares it). */
async function runPg(command: string, args: readonly string[], timeoutMs = 40_000): Promise<string> {
  const [file, argv] = pgCommand(command, args);
  const { stdout } = await promisify(execFile)(file, argv, { encoding: 'utf8', timeout: timeoutMs });
  return stdout;
}

export interface PrivatePostgres {
  readonly port: number;
  /** a URL of this server for `database` (superuser `postgres`, trust authentication) */
  url(database: string): string;
  /** pg_ctl start on the same port and data directory; resolves when it accepts connections */
  start(): Promise<void>;
  /** pg_ctl stop -m fast: open sessions are ended, the server shuts down cleanly */
  stop(): Promise<void>;
  /** stops it (immediate) and removes its data directory */
  destroy(): Promise<void>;
}

/** A PostgreSQL cluster of this test: initdb in a temporary directory, trust auth, a spare port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ca-fault-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (process.getuid?.() === 0) {
    const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  await runPg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const options = [`-p ${port}`, `-k ${dir}`, `-c listen_addresses=127.0.0.1`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=60'].join(' ');
  let started = false;
  const server: PrivatePostgres = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await runPg('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '30', 'start']);
      started = true;
      await waitForPort(port);
    },
    async stop() {
      if (!started) return;
      await runPg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      started = false;
    },
    async destroy() {
      if (existsSync(join(data, 'postmaster.pid'))) {
        try {
          await runPg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop']);
        } catch {
          // already stopped
        }
      }
      started = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

// ---------------------------------------------------------------------------------------
// GraphQL with a deadline

export interface TimedAnswer<T> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[] | undefined;
  /** the raw body, to check what an error reveals */
  readonly text: string;
  readonly ms: number;
}

/**
 * One GraphQL call over HTTP that gives up after `timeoutMs` (rejecting with a message that
 * says so): a fault test must tell an API that answers slowly from one that hangs.
 */
export async function timedGraphql<T = Record<string, unknown>>(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  timeoutMs = 10_000,
): Promise<TimedAnswer<T>> {
  const started = Date.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new Error(`the API did not answer within ${timeoutMs} ms`, { cause: error });
    throw error;
  }
  const ms = Date.now() - started;
  let body: { data?: T | null; errors?: TimedAnswer<T>['errors'] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`non-JSON answer ${response.status} after ${ms} ms: ${text.slice(0, 300)}`);
  }
  return { status: response.status, data: body.data, errors: body.errors, text, ms };
}

/** GET with a deadline; the status and how long it took. */
export async function timedGet(url: string, timeoutMs = 10_000): Promise<{ status: number; text: string; ms: number }> {
  const started = Date.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  return { status: response.status, text, ms: Date.now() - started };
}

/** Runs `work` over `items` with at most `concurrency` at once; resolves with every result in order. */
export async function inParallel<I, O>(items: readonly I[], concurrency: number, work: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}

// ---------------------------------------------------------------------------------------
// A worker in a process of its own (so it can be killed with SIGKILL)

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** what it printed (stdout and stderr), for a failure's message */
  output(): string;
  /** SIGKILL: no shutdown hook runs, no transaction commits; resolves when it is gone */
  kill(): Promise<void>;
  /**
   * SIGTERM (a deploy): how it exited and how long after the signal. One that has not exited
   * within `graceMs` is killed with SIGKILL, as an orchestrator would, and says so.
   */
  terminate(graceMs?: number): Promise<WorkerExit>;
}

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** from the SIGTERM to the exit */
  readonly ms: number;
  /** true when it outlived the grace period and was killed */
  readonly killed: boolean;
}

/** The repository's root (this file is test/pipeline/fault-support.ts). */
export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * Starts `node -r @swc-node/register apps/worker/src/main.ts` with `env` on top of this
 * process's environment; resolves once it says it runs (its application context is up and
 * its BullMQ workers started).
 */
export async function spawnWorker(env: Record<string, string>, ms = 45_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', 'worker', 'src', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const worker: WorkerProcess = {
    pid: child.pid as number,
    child,
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await waitForExit(child);
    },
    terminate: async (graceMs = 30_000) => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the worker had already exited (${child.exitCode ?? child.signalCode})`);
      const signalled = Date.now();
      let killed = false;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
      return { code: child.exitCode, signal: child.signalCode, ms: Date.now() - signalled, killed };
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker did not start within ${ms} ms:\n${output.slice(-3_000)}`));
    }, ms);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('worker running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code ?? signal}) before it ran:\n${output.slice(-3_000)}`));
    });
  });
  return worker;
}
