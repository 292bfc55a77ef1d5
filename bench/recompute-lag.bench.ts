/**
 * Benchmark: the end-to-end lag of the recompute pipeline (issue 5). The built API and the
 * built worker, each in its own process (production mode, as deployed), on a bench
 * database: trade experiences are confirmed through the GraphQL API at a steady rate, and
 * for each confirmation the time from its answer to the subject's next rating row
 * (`ratings.computed_at`) is measured. Prints p50/p95/p99/max and the relay's share.
 *
 * Run: node -r @swc-node/register bench/recompute-lag.bench.ts [perSecond] [seconds] [--no-build]
 *      (defaults 50 60)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Factories, TEST_PASSWORD } from '@app/testing';
import { ROOT, startBenchApi } from './support/bench-api';

const PER_SECOND = Number(process.argv[2] ?? 50);
const SECONDS = Number(process.argv[3] ?? 60);
const COMPANIES = 40;
const DATABASE = 'ca_bench_lag';

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function gql<T>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? 'no data');
  return body.data;
}

async function main(): Promise<void> {
  const api = await startBenchApi(DATABASE, 3910);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DATABASE}`,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-000',
    QUEUE_PREFIX: `bench_${DATABASE}`,
    LOG_LEVEL: 'warn',
    WORKER_HEALTH_PORT: '3911',
  };
  const worker: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const ds = api.dataSource;
  try {
    say(`setting up ${COMPANIES} members and ${PER_SECOND * SECONDS} reported trade experiences...`);
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const companies = await Promise.all(Array.from({ length: COMPANIES }, () => f.company(consortium.id)));
    const tokens: string[] = [];
    for (const company of companies) {
      const user = await f.user('MEMBER', { companyId: company.id });
      const login = await gql<{ login: { accessToken: string } }>(api.url, null, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', {
        e: user.email,
        p: TEST_PASSWORD,
      });
      tokens.push(login.login.accessToken);
    }
    // company i reports trades on company i+1 (its buyer), who confirms them
    const pending: { id: string; subject: string; token: string }[] = [];
    const total = PER_SECOND * SECONDS;
    for (let n = 0; n < total; n += 1) {
      const creditor = n % COMPANIES;
      const debtor = (creditor + 1) % COMPANIES;
      const month = String(1 + (n % 12)).padStart(2, '0');
      const record = await gql<{ reportTradeExperience: { id: string } }>(
        api.url,
        tokens[creditor],
        'mutation($input: TradeExperienceInput!) { reportTradeExperience(input: $input) { id } }',
        {
          input: {
            debtorCreditCode: companies[debtor].creditCode,
            invoiceNo: `LAG-${Date.now().toString(36)}-${n}`,
            amount: `${10_000 + (n % 97) * 1000}.00`,
            invoiceDate: `2025-${month}-05`,
            dueDate: `2025-${month}-25`,
            paidDate: `2025-${month}-20`,
          },
        },
      );
      pending.push({ id: record.reportTradeExperience.id, subject: companies[debtor].id, token: tokens[debtor] });
    }
    // let the worker catch up with the filings before measuring
    for (;;) {
      const rows: { n: string }[] = await ds.query('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL');
      if (Number(rows[0].n) === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const start: { id: string | null }[] = await ds.query('SELECT max(id)::text AS id FROM ratings');
    let lastRating = start[0].id ?? '0';

    say(`confirming ${PER_SECOND}/s for ${SECONDS} s...`);
    const waiting = new Map<string, number[]>(); // subject -> confirm answer times (ms) not yet covered by a rating
    const latencies: number[] = [];
    let errors = 0;
    let watching = true;
    let stoppedAt = 0;
    const watcher = (async () => {
      while (watching || waiting.size > 0) {
        const rows: { id: string; company_id: string; at: number }[] = await ds.query(
          'SELECT id::text, company_id, extract(epoch FROM computed_at) * 1000 AS at FROM ratings WHERE id > $1 ORDER BY id',
          [lastRating],
        );
        for (const r of rows) {
          lastRating = r.id;
          const times = waiting.get(r.company_id);
          if (!times) continue;
          const covered = times.filter((t) => t <= Number(r.at));
          for (const t of covered) latencies.push(Number(r.at) - t);
          const rest = times.filter((t) => t > Number(r.at));
          if (rest.length) waiting.set(r.company_id, rest);
          else waiting.delete(r.company_id);
        }
        if (!watching && Date.now() - stoppedAt > 30_000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const began = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let n = 0; n < total; n += 1) {
      const due = began + (n * 1000) / PER_SECOND;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const p = pending[n];
      inFlight.push(
        gql(api.url, p.token, 'mutation($id: ID!) { confirmRecord(id: $id) { id } }', { id: p.id }).then(
          () => {
            waiting.set(p.subject, [...(waiting.get(p.subject) ?? []), Date.now()]);
          },
          () => {
            errors += 1;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    stoppedAt = Date.now();
    watching = false;
    await watcher;
    const sorted = [...latencies].sort((a, b) => a - b);
    const rate = (total / ((stoppedAt - began) / 1000)).toFixed(1);
    say(`confirmations: ${total} at ${rate}/s, errors ${errors}, without a later rating ${[...waiting.values()].reduce((a, t) => a + t.length, 0)}`);
    say(
      `confirm -> new rating: p50 ${Math.round(pct(sorted, 50))} ms, p95 ${Math.round(pct(sorted, 95))} ms, p99 ${Math.round(pct(sorted, 99))} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms (${sorted.length} measured)`,
    );
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await api.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
