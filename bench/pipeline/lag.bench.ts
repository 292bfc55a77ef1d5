/**
 * Benchmark: the end-to-end lag of the recompute pipeline (issue 5). The built API and the
 * built worker, each in its own process (production mode, as deployed), on a bench
 * database: a cluster of N members, each selling to three neighbours; trade experiences are
 * reported through the GraphQL API, then confirmed by their buyers at a steady rate, and for
 * each confirmation the time from its answer to the subject's next rating row
 * (`ratings.computed_at`, watched every 20 ms) is measured. Prints p50/p95/p99/max, and the
 * outbox relay's lag (created to sent) for the rows written while confirming.
 *
 * Run: node -r @swc-node/register bench/pipeline/lag.bench.ts [perSecond] [seconds] [companies] [--no-build]
 *      (defaults 50 60 300)
 */
import { Factories, TEST_PASSWORD } from '@app/testing';
import { startBenchApi, startBenchWorker } from '../support/bench-api';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const PER_SECOND = Number(args[0] ?? 50);
const SECONDS = Number(args[1] ?? 60);
const COMPANIES = Number(args[2] ?? 300);
const DATABASE = 'ca_bench_pipeline_lag';

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
  const api = await startBenchApi(DATABASE, 3920);
  const worker = startBenchWorker(DATABASE, 3921);
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
    // company i sells to companies i+1..i+3 (its buyers), who confirm what it reports
    const pending: { id: string; subject: string; token: string }[] = [];
    const total = PER_SECOND * SECONDS;
    const report = async (n: number): Promise<void> => {
      const creditor = n % COMPANIES;
      const debtor = (creditor + 1 + (Math.floor(n / COMPANIES) % 3)) % COMPANIES;
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
            invoiceDate: `2026-${month}-05`.replace(/^2026-(1[12])/, '2025-$1'),
            dueDate: `2026-${month}-25`.replace(/^2026-(1[12])/, '2025-$1'),
            paidDate: n % 10 === 0 ? null : `2026-${month}-2${n % 7 === 0 ? 8 : 0}`.replace(/^2026-(1[12])/, '2025-$1'),
          },
        },
      );
      pending[n] = { id: record.reportTradeExperience.id, subject: companies[debtor].id, token: tokens[debtor] };
    };
    for (let n = 0; n < total; n += 8) await Promise.all(Array.from({ length: Math.min(8, total - n) }, (_, k) => report(n + k)));
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
    const slowest: { ms: number; at: number }[] = []; // the confirmations over 1 s, and when they were answered
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
          for (const t of covered) {
            latencies.push(Number(r.at) - t);
            if (Number(r.at) - t > 1000) slowest.push({ ms: Number(r.at) - t, at: t });
          }
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
    const relay: { job_name: string; n: string; p50: number; p95: number; p99: number; max: number }[] = await ds.query(
      `SELECT job_name, count(*)::text AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
       FROM (SELECT job_name, extract(epoch FROM sent_at - greatest(created_at, run_at)) * 1000 AS ms FROM outbox
             WHERE created_at >= to_timestamp($1 / 1000.0) AND created_at <= to_timestamp($2 / 1000.0) AND sent_at IS NOT NULL) o
       GROUP BY job_name ORDER BY count(*) DESC`,
      [began, stoppedAt],
    );
    const recomputed: { n: string }[] = await ds.query('SELECT count(*)::text AS n FROM ratings WHERE computed_at >= to_timestamp($1 / 1000.0)', [began]);
    const rate = (total / ((stoppedAt - began) / 1000)).toFixed(1);
    say(`confirmations: ${total} at ${rate}/s, errors ${errors}, without a later rating ${[...waiting.values()].reduce((a, t) => a + t.length, 0)}`);
    say(
      `confirm -> new rating: p50 ${Math.round(pct(sorted, 50))} ms, p95 ${Math.round(pct(sorted, 95))} ms, p99 ${Math.round(pct(sorted, 99))} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms (${sorted.length} measured)`,
    );
    say(`ratings written meanwhile: ${recomputed[0].n}`);
    if (slowest.length)
      say(`over 1 s: ${slowest.length}, answered at ${[...new Set(slowest.map((x) => Math.floor((x.at - began) / 1000)))].slice(0, 20).join(', ')}${slowest.length > 20 ? ', ...' : ''} s into the run`);
    for (const r of relay)
      say(
        `outbox relay lag (created to sent), ${r.job_name}: ${r.n} rows, p50 ${Math.round(r.p50)} ms, p95 ${Math.round(r.p95)} ms, p99 ${Math.round(r.p99)} ms, max ${Math.round(r.max)} ms`,
      );
  } finally {
    await worker.stop();
    await api.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
