import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { createDataSource, migrate } from '@app/persistence';
import autocannon from 'autocannon';
import type { DataSource } from 'typeorm';

export const ROOT = join(__dirname, '..', '..');

export interface BenchApi {
  readonly url: string;
  readonly dataSource: DataSource;
  /** CPU time (user and system) the API process has used so far, in microseconds (Linux /proc) */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** The environment of a built process (API or worker) running in production mode on a bench database. */
export function benchEnv(database: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-000',
    QUEUE_PREFIX: `bench_${database}`,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/**
 * The built API in its own process (production mode, as deployed) against a bench
 * database, so that the load generator in this process does not share its event loop.
 */
export async function startBenchApi(database = 'ca_bench', port = 3900, extraEnv: Record<string, string> = {}): Promise<BenchApi> {
  if (!process.argv.includes('--no-build')) execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });
  const env = benchEnv(database, { PORT: String(port), LOGIN_MAX_FAILURES_PER_ADDRESS: '100000', ...extraEnv });
  const config = loadConfig(env);
  await migrate(config);
  const dataSource = createDataSource(config, 'bench');
  await dataSource.initialize();
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), join(ROOT, 'dist/apps/api/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`${url}/health/live`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    dataSource,
    cpuMicros: () => processCpuMicros(child.pid as number),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await dataSource.destroy();
    },
  };
}

/** utime + stime of a process from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s). */
function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** The built worker in its own process (production mode, as deployed) on a bench database; `stop` lets it finish its jobs. */
export function startBenchWorker(database: string, healthPort: number): { stop(): Promise<void> } {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], {
    env: benchEnv(database, { WORKER_HEALTH_PORT: String(healthPort) }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export interface LoadResult {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** autocannon against POST /graphql with one body (variables, so parse caches hit). */
export async function load(name: string, url: string, body: unknown, headers: Record<string, string> = {}, seconds = 10, connections = 50): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { name, requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

export function printTable(results: readonly LoadResult[]): void {
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(36)} ${String(r.requestsPerSecond).padStart(7)} req/s   p99 ${String(r.p99Ms).padStart(4)} ms   errors ${r.errors}  non-2xx ${r.non2xx}\n`);
  }
}
