/**
 * Load benchmark: `bankRating` (GraphQL variables; consent check and inquiry logging on)
 * beside the public `ping` query, in the same run against the same built API process
 * (production mode), with autocannon at 50 connections. Aim: bankRating at least half of
 * ping's throughput, p99 under 50 ms (issue 6). The built worker runs throughout in its own
 * process, its sealer chaining the inquiries into the audit log; at the end every successful
 * read must be exactly one inquiry, every inquiry sealed, and the audit chain must verify.
 *
 * Run: node -r @swc-node/register bench/bank-rating.bench.ts [--no-build]
 * Knobs: BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_COMPANIES (1000), BENCH_AUTH (jwt | apikey),
 * BENCH_SEALING=off (no worker while measuring: what sealing costs);
 * GRAPHQL_JIT=false (the API's own setting) for graphql-js instead of graphql-jit.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '@app/config';
import { SystemClock } from '@app/domain';
import { AuditLogRepository, BankRepository, CompanyRepository, ConsentRepository, ConsortiumRepository, InquiryRepository, UserRepository } from '@app/persistence';
import { randomCreditCode, RatingFixtures } from '@app/testing';
import autocannon from 'autocannon';
import * as argon2 from 'argon2';
import { InquirySealer } from '@worker/monitoring/inquiry-sealer.service';
import { type BenchApi, startBenchApi, startBenchWorker } from './support/bench-api';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 1000);
const AUTH = process.env.BENCH_AUTH === 'apikey' ? 'apikey' : 'jwt';
const CONNECTIONS = 50;
const PASSWORD = 'bench password, long enough';

interface Figures {
  readonly name: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  /** the API process's CPU time per request, in microseconds: the cost of one answer, whatever the machine's other load */
  readonly apiCpuPerRequest: number;
}

async function run(name: string, api: BenchApi, headers: Record<string, string>, body: () => string, seconds: number): Promise<Figures> {
  const url = api.url;
  const cpuBefore = api.cpuMicros();
  const result = await autocannon({
    url: `${url}/graphql`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    apiCpuPerRequest: (api.cpuMicros() - cpuBefore) / Math.max(1, result.requests.total),
  };
}

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const database = `ca_bench_bank_${runId}`;
  const api = await startBenchApi(database, 3910);
  const config = loadConfig({ ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}` });
  const ds = api.dataSource;
  const db = ds.manager;
  const url = api.url;
  try {
    // a consortium of COMPANIES rated members, all of which consented to one bank
    const consortium = await new ConsortiumRepository().insert(db, { name: `基准联盟 ${runId}`, region: '浙江省温州市', industry: '鞋业' });
    const bank = await new BankRepository().insert(db, { name: `基准银行 ${runId}` });
    const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const users = new UserRepository();
    const banker = await users.insert(db, { email: `banker-${runId}@bench.cn`, passwordHash: hash, role: 'BANK', companyId: null, consortiumId: null, bankId: bank.id });
    const fixtures = new RatingFixtures(ds);
    const codes: string[] = [];
    const consents = new ConsentRepository();
    await fixtures.standing(consortium.id, 'A');
    for (let i = 0; i < COMPANIES; i += 1) {
      const company = await new CompanyRepository().insert(db, consortium.id, { creditCode: randomCreditCode(), name: `温州市基准鞋业有限公司${i}` });
      const member = await users.insert(db, { email: `m${i}-${runId}@bench.cn`, passwordHash: hash, role: 'MEMBER', companyId: company.id, consortiumId: null, bankId: null });
      await fixtures.rating(company);
      await consents.insert(db, {
        companyId: company.id,
        consortiumId: consortium.id,
        bankId: bank.id,
        scope: 'RATING',
        grantedBy: member.id,
        grantedAt: new Date(),
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      codes.push(company.creditCode);
    }
    await db.query('ANALYZE');

    let headers: Record<string, string>;
    if (AUTH === 'apikey') {
      const secret = `cak_${randomBytes(32).toString('base64url')}`;
      const admin = await users.insert(db, { email: `admin-${runId}@bench.cn`, passwordHash: hash, role: 'ADMIN', companyId: null, consortiumId: null, bankId: null });
      await db.query('INSERT INTO api_keys (bank_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5)', [
        bank.id,
        'bench',
        secret.slice(0, 12),
        createHash('sha256').update(secret).digest(),
        admin.id,
      ]);
      headers = { 'x-api-key': secret };
    } else {
      const login = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', variables: { e: banker.email, p: PASSWORD } }),
      });
      const token = ((await login.json()) as { data: { login: { accessToken: string } } }).data.login.accessToken;
      headers = { authorization: `Bearer ${token}` };
    }

    const ping = () => '{"query":"{ ping }"}';
    const query =
      'query BankRating($code: String!, $purpose: InquiryPurpose!) { bankRating(creditCode: $code, purpose: $purpose) { creditCode companyName consortiumName consortiumGrade inquiryId rating { score grade pd reasons { code description } factors { name score weight } backed { grade pd notchesUplift } verifiedRecords modelVersion computedAt } } }';
    let next = 0;
    const bankRating = () => JSON.stringify({ query, variables: { code: codes[(next = (next + 7919) % codes.length)], purpose: 'MONITORING' } });

    // one probe: the read works and its answer is what we think
    const probe = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: bankRating() });
    const probed = (await probe.json()) as { data?: { bankRating?: { rating?: { grade?: string } } }; errors?: unknown };
    if (!probed.data?.bankRating?.rating?.grade) throw new Error(`the probe read failed: ${JSON.stringify(probed)}`);

    // the built worker, sealing the inquiries into the audit log throughout as in production
    // (in its own process: sealing here would share the load generator's event loop)
    // BENCH_SEALING=off (diagnosis): no worker during the runs; everything is sealed after them
    const worker = process.env.BENCH_SEALING === 'off' ? null : startBenchWorker(database, 3911);

    const inquiriesBefore = Number((await db.query('SELECT count(*) AS n FROM inquiries'))[0].n);
    process.stdout.write(`warming up (ping, bankRating: 3 s each)...\n`);
    const warmups = [await run('ping (warm-up)', api, {}, ping, 3), await run('bankRating (warm-up)', api, headers, bankRating, 3)];
    // the machine is shared: alternate the two in rounds and compare medians, so that a
    // passing load spike hits both rather than one
    process.stdout.write(`measuring ${ROUNDS} rounds of ${SECONDS} s each, ${CONNECTIONS} connections, auth ${AUTH}, ${COMPANIES} consented companies...\n`);
    const pings: Figures[] = [];
    const reads: Figures[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      pings.push(await run(`ping #${round}`, api, {}, ping, SECONDS));
      reads.push(await run(`bankRating #${round}`, api, headers, bankRating, SECONDS));
    }
    // autocannon stops with requests in flight: let the API finish them, and the worker seal them
    await new Promise((r) => setTimeout(r, 2_000));
    for (let i = 0; worker && i < 60 && (await new InquiryRepository().countUnsealed(db)) > 0; i += 1) await new Promise((r) => setTimeout(r, 500));
    await worker?.stop();
    const sealer = new InquirySealer(config, ds, new InquiryRepository(), new AuditLogRepository(), new SystemClock());
    if (!worker) await sealer.sealAll();
    const inquiriesAfter = Number((await db.query('SELECT count(*) AS n FROM inquiries'))[0].n);
    const unsealed = await new InquiryRepository().countUnsealed(db);
    const seals = await sealer.verify();
    const chain = await new AuditLogRepository().verify(db);
    const ok = (f: Figures) => f.requests - f.non2xx - f.errors;
    const answered = [warmups[1], ...reads].reduce((sum, f) => sum + ok(f), 0);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const summary = (name: string, fs: Figures[]): Figures => ({
      name,
      requests: fs.reduce((sum, f) => sum + f.requests, 0),
      rps: median(fs.map((f) => f.rps)),
      p50: median(fs.map((f) => f.p50)),
      p99: median(fs.map((f) => f.p99)),
      non2xx: fs.reduce((sum, f) => sum + f.non2xx, 0),
      errors: fs.reduce((sum, f) => sum + f.errors, 0),
      apiCpuPerRequest: median(fs.map((f) => f.apiCpuPerRequest)),
    });
    const pingMedian = summary('ping (median)', pings);
    const readMedian = summary('bankRating (median)', reads);
    const line = (f: Figures) =>
      `| ${f.name.padEnd(19)} | ${f.rps.toFixed(0).padStart(7)} | ${String(f.p50).padStart(6)} | ${String(f.p99).padStart(6)} | ${String(f.non2xx + f.errors).padStart(6)} | ${f.apiCpuPerRequest.toFixed(0).padStart(11)} |`;
    process.stdout.write(
      [
        '',
        '| run                 |   req/s | p50 ms | p99 ms | errors | API CPU/req |',
        '| ------------------- | ------- | ------ | ------ | ------ | ----------- |',
        ...pings.flatMap((p, i) => [line(p), line(reads[i])]),
        line(pingMedian),
        line(readMedian),
        '',
        `bankRating / ping throughput (medians): ${((readMedian.rps / pingMedian.rps) * 100).toFixed(1)} % (aim >= 50 %); bankRating p99 (median) ${readMedian.p99} ms (aim < 50 ms)`,
        `inquiries written: ${inquiriesAfter - inquiriesBefore} for ${answered} successful reads counted (+1 probe, +${inquiriesAfter - inquiriesBefore - answered - 1} answered after autocannon stopped counting); unsealed after the final pass: ${unsealed}; seals ${seals.ok ? 'verify' : `BROKEN at ${seals.firstBrokenSeq}`} (${seals.checked} inquiries); audit chain ${chain.ok ? 'verifies' : `BROKEN at ${chain.firstBrokenSeq}`} (${chain.checked} entries)`,
        `load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${cpus().length} CPUs)`,
        '',
      ].join('\n'),
    );
    // each run may end with up to CONNECTIONS reads answered after autocannon stopped counting
    const uncounted = inquiriesAfter - inquiriesBefore - (answered + 1);
    if (uncounted < 0 || uncounted > (ROUNDS + 1) * CONNECTIONS || unsealed !== 0 || !seals.ok || seals.checked !== inquiriesAfter || !chain.ok) {
      throw new Error('the inquiry log does not match the reads');
    }
  } finally {
    await api.stop();
    if (process.env.BENCH_KEEP) {
      process.stdout.write(`kept database ${database}\n`);
    } else {
      const { Client } = await import('pg');
      const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
