/**
 * Benchmark: the CSV import of 1,000,000 trade experiences (upload into PostgreSQL, then the
 * worker's processing: stream, validate every line, COPY into staging, set-based merge)
 * against `psql \copy` of the same file into a bare table, in the same run. Prints rows/s of
 * both, their ratio, and this process's memory (the import's RSS is sampled while it runs).
 *
 * Run: node -r @swc-node/register bench/import.bench.ts [rows]   (default 1000000)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { addDays, FixedClock } from '@app/domain';
import { AuditLogRepository, CompanyRepository, createDataSource, ImportRepository, migrate, OutboxRepository, UserRepository } from '@app/persistence';
import { generateCluster, Random } from '@app/testing';
import { ImportProcessor } from '@worker/imports/import-processor.service';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const MEMBERS = 2_000;
const DATABASE = 'ca_bench_import';
const URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;
const OUT = join(__dirname, 'out');
const FILE = join(OUT, `trade-experiences-${ROWS}.csv`);
const CHUNK = 1024 * 1024;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (rows: number, ms: number): string => `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s`;

async function writeFile(codes: readonly string[]): Promise<void> {
  const rand = new Random(2026);
  const out = createWriteStream(FILE);
  out.write('debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n');
  const start = '2023-07-01';
  let buffer = '';
  for (let i = 0; i < ROWS; i += 1) {
    const invoiceDate = addDays(start, rand.int(0, 700));
    const dueDate = addDays(invoiceDate, rand.pick([30, 45, 60, 90]));
    const late = rand.chance(0.85) ? rand.int(-5, 10) : rand.int(11, 120);
    const paid = addDays(dueDate, late);
    const paidDate = paid <= '2025-06-30' && rand.chance(0.95) ? paid : '';
    const amount = (rand.lognormal(9, 1.2) + 1).toFixed(2);
    buffer += `${rand.pick(codes)},FP${String(i).padStart(9, '0')},${amount},${invoiceDate},${dueDate},${paidDate}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`]);
  const config = loadConfig({ ...process.env, DATABASE_URL: URL, NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-000', LOG_LEVEL: 'warn' });
  await migrate(config);
  const ds = createDataSource(config, 'bench-import');
  await ds.initialize();

  const cluster = await generateCluster(ds, { seed: 7, members: MEMBERS, records: false, asOf: '2025-06-30' });
  const [creditor, ...debtors] = cluster.companies;
  const member = await new UserRepository().insert(ds.manager, {
    email: 'bench-importer@bench.cn',
    passwordHash: 'x',
    role: 'MEMBER',
    companyId: creditor.id,
    consortiumId: null,
    bankId: null,
  });
  await writeFile(debtors.map((d) => d.creditCode));
  const bytes = statSync(FILE).size;
  process.stdout.write(`file: ${ROWS.toLocaleString('en-US')} trade experiences, ${mb(bytes)}, ${MEMBERS} members\n`);

  // raw COPY of the same file into a bare table
  execFileSync('psql', [URL, '-qc', 'CREATE TABLE bare_trade (debtor_credit_code text, invoice_no text, amount text, invoice_date text, due_date text, paid_date text)']);
  const copyStart = performance.now();
  execFileSync('psql', [URL, '-qc', `\\copy bare_trade FROM '${FILE}' WITH (FORMAT csv, HEADER true)`]);
  const copyMs = performance.now() - copyStart;

  // the import: the upload's storage, then the worker's processing
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const imports = new ImportRepository();
  const clock = new FixedClock(new Date('2025-06-30T12:00:00Z'));
  const uploadStart = performance.now();
  const job = await imports.create(ds.manager, { kind: 'TRADE_EXPERIENCES', consortiumId: cluster.consortiumId, companyId: creditor.id, actorRole: 'MEMBER', createdBy: member.id, createdAt: clock.now() });
  const hash = createHash('sha256');
  let seq = 0;
  for await (const piece of createReadStream(FILE, { highWaterMark: CHUNK })) {
    hash.update(piece as Buffer);
    await imports.appendChunk(ds.manager, job.id, seq, piece as Buffer);
    seq += 1;
  }
  await imports.markQueued(ds.manager, job.id, bytes, hash.digest());
  const uploadMs = performance.now() - uploadStart;
  const processor = new ImportProcessor(ds, imports, new CompanyRepository(), new AuditLogRepository(), new OutboxRepository(), clock, config);
  const processStart = performance.now();
  const outcome = await processor.process(job.id);
  const processMs = performance.now() - processStart;
  clearInterval(sampler);
  const importMs = uploadMs + processMs;

  const accepted = outcome?.accepted ?? 0;
  process.stdout.write(
    [
      `psql \\copy into a bare table:   ${(copyMs / 1000).toFixed(2)} s, ${rate(ROWS, copyMs)}`,
      `import (upload + processing):  ${(importMs / 1000).toFixed(2)} s, ${rate(ROWS, importMs)} (upload ${(uploadMs / 1000).toFixed(2)} s, processing ${(processMs / 1000).toFixed(2)} s)`,
      `  accepted ${accepted.toLocaleString('en-US')}, rejected ${outcome?.rejectedRows ?? 0}, negative notices ${outcome?.negativeNotices ?? 0}`,
      `import / raw COPY:             ${(copyMs / importMs).toFixed(2)} (processing alone ${(copyMs / processMs).toFixed(2)})`,
      `memory: RSS ${mb(rssBefore)} before the import, ${mb(rssPeak)} at its peak while it ran (+${mb(rssPeak - rssBefore)}); process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
    ].join('\n') + '\n',
  );
  await ds.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
