import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KIND_SPECS } from '@app/persistence/repositories/record-kinds';
import { testConfig } from '@app/testing';
import { Client } from 'pg';
import { CONFIRM, DISPUTE, FILE_LOAN, loanInput, reportTrade, RESOLVE, statementInput, SUBMIT_STATEMENT, unique } from '../records/records-support';
import { eventually, type IsolatedPipeline, isolatedPipeline, type RunningWorker, watchQueues, type WatchedQueues } from '../pipeline/pipeline-support';
import { createWorld, type World } from '../support/world';

/** The group role the migration 1765001200000-app-role creates and grants; deployments log in as a member of it. */
const APP_ROLE = 'credit_alliance_app';
/** A login role of the test, member of the group, neither owner nor superuser (trust auth: no password). */
const TEST_LOGIN = 'ca_test_app';
const NAME = 'approle';

const REPOSITORIES = join(__dirname, '..', '..', 'libs/persistence/src/repositories');
const KIND_TABLES: string[] = Object.values(KIND_SPECS).map((s) => s.table);
/** The append-only tables: the application may add rows, never change or remove them (but a version's status, an inquiry's seal). */
const APPEND_ONLY = [...KIND_TABLES, 'audit_log', 'record_status_changes', 'inquiries', 'partner_checks', 'record_statements'];

const RATING = `query($id: ID!) { company(id: $id) { id rating { score verifiedRecords } } }`;
const START = `mutation { startFullRecompute { id status startedAt } }`;
const RUN = `query($id: ID) { fullRecomputeRun(id: $id) { id status } }`;
const IMPORT_JOB = `query($id: ID!) { importJob(id: $id) { status acceptedRows rejectedRows } }`;
const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }`;
const BANK_RATING = `query($code: String!) { bankRating(creditCode: $code, purpose: MONITORING) { inquiryId rating { verifiedRecords } } }`;
const CHAIN = `{ verifyAuditLog { ok firstBrokenSeq reason } }`;

function as(user: string, databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.username = user;
  url.password = '';
  return url.toString();
}

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The test's login role, made once per cluster. Roles are cluster-wide and other runs may make
 * it at the same moment: their CREATE ROLE winning is success here too.
 */
async function ensureLoginRole(adminUrl: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    await client.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEST_LOGIN}') THEN
          CREATE ROLE ${TEST_LOGIN} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE ${APP_ROLE};
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END
      $$`);
    // a role left by an older run without the membership: give it (a second grant is a notice)
    await client.query(`DO $$ BEGIN GRANT ${APP_ROLE} TO ${TEST_LOGIN}; EXCEPTION WHEN unique_violation THEN NULL; END $$`);
  });
}

/** Runs `sql` in a transaction it rolls back; answers the error it raised, or null when it passed. */
async function attempt(client: Client, sql: string, params: unknown[] = []): Promise<{ code?: string; message: string } | null> {
  await client.query('BEGIN');
  try {
    await client.query(sql, params);
    return null;
  } catch (error) {
    return error as { code?: string; message: string };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** Every table name that follows `pattern` (one capture) in the repositories' source. */
function tablesIn(pattern: RegExp): Set<string> {
  const found = new Set<string>();
  for (const file of readdirSync(REPOSITORIES).filter((f) => f.endsWith('.ts') && !f.includes('spec'))) {
    for (const m of readFileSync(join(REPOSITORIES, file), 'utf8').matchAll(pattern)) found.add(m[1]);
  }
  return found;
}

/**
 * The API and the worker as they run in production: logged in as a member of
 * `credit_alliance_app`, which owns no table of the ledger (docs/architecture.md, "The audit
 * log"). Every path that needs a privilege (INSERT, UPDATE of a status, DELETE, a lock, an
 * upsert, TEMP tables and COPY, TRUNCATE and ANALYZE of the full recompute's tables, sequences)
 * runs through the real API and worker as that role; then, connected directly as the role,
 * what an attacker holding the application's credentials would try fails (scenario 26).
 */
describe('the API and the worker as a non-owner role (credit_alliance_app)', () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let watched: WatchedQueues;
  let world: World;
  /** the isolated database, as postgres (the owner) and as the test's login role */
  let ownerUrl: string;
  let appUrl: string;

  beforeAll(async () => {
    const base = testConfig().databaseUrl;
    const url = new URL(base);
    url.pathname = `${url.pathname}_${NAME}`;
    ownerUrl = url.toString();
    appUrl = as(TEST_LOGIN, ownerUrl);
    // the group role is the migration's: the run's database is migrated before any test
    await ensureLoginRole(base);
    pipeline = await isolatedPipeline(NAME, { DATABASE_URL: appUrl, FULL_RECOMPUTE_CHUNK_SIZE: '2' });
    watched = await watchQueues(pipeline.config);
    worker = await pipeline.startWorker();
    world = await createWorld(pipeline.api);
  }, 30_000);

  afterAll(async () => {
    await worker?.close();
    await watched?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  it('connects as a member of credit_alliance_app that owns no table and is no superuser', async () => {
    const [me] = await pipeline.api.dataSource.query(
      `SELECT current_user AS name, r.rolsuper AS super, pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') AS member,
              (SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND pg_has_role(current_user, c.relowner, 'USAGE')
                 AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relname NOT IN ('full_recompute_trade', 'full_recompute_partners')) AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(me).toEqual({ name: TEST_LOGIN, super: false, member: true, owned: 0 });
    // the full recompute's scratch tables are the role's own (it TRUNCATEs and ANALYZEs them)
    const owners = await withClient(ownerUrl, async (c) =>
      (await c.query(`SELECT relname, relowner::regrole::text AS owner FROM pg_class WHERE relname IN ('full_recompute_trade', 'full_recompute_partners') ORDER BY 1`)).rows,
    );
    expect(owners).toEqual([
      { relname: 'full_recompute_partners', owner: APP_ROLE },
      { relname: 'full_recompute_trade', owner: APP_ROLE },
    ]);
  });

  it('files, confirms, disputes and settles records, imports a CSV, recomputes (one company and in full), serves a bank and verifies the audit log, all as that role', async () => {
    const { home } = world;
    // a trade experience reported and confirmed: INSERT of versions, UPDATE of their status, the outbox
    const confirmed = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-01-10', dueDate: '2025-01-28', paidDate: '2025-01-28' });
    expect((await home.memberB.client.ok<{ confirmRecord: { status: string } }>(CONFIRM, { id: confirmed.id })).confirmRecord.status).toBe('VERIFIED');
    // another, disputed and settled: disputes updated, notices written
    const disputed = await reportTrade(home.memberA.client, home.companyB.creditCode);
    expect((await home.memberB.client.ok<{ disputeRecord: { status: string } }>(DISPUTE, { id: disputed.id, reason: '金额有误' })).disputeRecord.status).toBe('DISPUTED');
    const resolved = await home.coordinator.client.ok<{ resolveDispute: { status: string } }>(RESOLVE, { id: disputed.id, resolution: 'RECORD_REJECTED', note: '经核实填报有误' });
    expect(resolved.resolveDispute.status).toBe('REJECTED');
    // records of other kinds: a financial statement by the member, a loan by a bank
    const statement = await home.memberA.client.ok<{ submitFinancialStatement: { kind: string } }>(SUBMIT_STATEMENT, { input: statementInput() });
    expect(statement.submitFinancialStatement.kind).toBe('FINANCIAL_STATEMENT');
    const loan = loanInput(home.companyA.creditCode);
    expect((await world.banker.client.ok<{ fileLoanRecord: { status: string } }>(FILE_LOAN, { input: loan })).fileLoanRecord.status).toBe('VERIFIED');

    // a CSV import: chunks stored by the API, then the worker's TEMP tables, COPY, ANALYZE and merge, its chunks deleted
    const b = home.companyB;
    const csv =
      'debtor_credit_code,debtor_name,invoice_no,amount,invoice_date,due_date,paid_date\n' +
      `${b.creditCode},${b.name},IMP-${unique()},98000.00,2025-01-12,2025-02-11,2025-02-11\n` +
      `${b.creditCode},${b.name},IMP-${unique()},0.00,2025-01-12,2025-02-11,\n`;
    const upload = await fetch(`${pipeline.api.url}/imports/trade-experiences`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${home.memberA.token}` },
      body: csv,
    });
    expect(upload.status).toBe(202);
    const importId = ((await upload.json()) as { id: string }).id;
    const imported = await eventually(
      async () => {
        const job = (await home.memberA.client.ok<{ importJob: { status: string; acceptedRows: number; rejectedRows: number } }>(IMPORT_JOB, { id: importId })).importJob;
        return job.status === 'COMPLETED' || job.status === 'FAILED' ? job : undefined;
      },
      20_000,
      'the import',
    );
    expect(imported).toEqual({ status: 'COMPLETED', acceptedRows: 1, rejectedRows: 1 });

    // the confirmation's recompute, relayed from the outbox: ratings and current_ratings written
    const rated = await eventually(
      async () => (await home.coordinator.client.ok<{ company: { rating: { verifiedRecords: number } | null } }>(RATING, { id: b.id })).company.rating ?? undefined,
      20_000,
      'the rating of the confirmed record',
    );
    expect(rated.verifiedRecords).toBeGreaterThanOrEqual(1);

    // a full recompute: its trade pass TRUNCATEs and fills the scratch tables and ANALYZEs them
    const { startFullRecompute: run } = await world.admin.client.ok<{ startFullRecompute: { id: string; startedAt: string } }>(START);
    await eventually(
      async () => ((await world.admin.client.ok<{ fullRecomputeRun: { status: string } }>(RUN, { id: run.id })).fullRecomputeRun.status === 'DONE' ? true : undefined),
      30_000,
      'the full recompute',
    );
    const analyzed = await withClient(ownerUrl, async (c) =>
      (
        await c.query<{ relname: string; analyzed: boolean; reltuples: number }>(
          `SELECT s.relname, s.last_analyze >= $1::timestamptz AS analyzed, c.reltuples
             FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.relname IN ('full_recompute_trade', 'full_recompute_partners') ORDER BY 1`,
          [run.startedAt],
        )
      ).rows,
    );
    // analyzed by this run (a non-owner's ANALYZE is skipped with a WARNING: no last_analyze, reltuples -1)
    expect(analyzed.map((r) => [r.relname, r.analyzed])).toEqual([
      ['full_recompute_partners', true],
      ['full_recompute_trade', true],
    ]);
    // counted by it too (TRUNCATE leaves -1, "never counted"); the partners of the last 12 months may be none
    expect(analyzed.map((r) => [r.relname, r.reltuples >= 0])).toEqual([
      ['full_recompute_partners', true],
      ['full_recompute_trade', true],
    ]);
    const stats = await withClient(ownerUrl, async (c) => (await c.query(`SELECT attname FROM pg_stats WHERE tablename = 'full_recompute_trade' ORDER BY 1`)).rows);
    expect(stats.map((s) => s.attname)).toEqual(['company_id', 'run_id']);

    // a bank reads with consent: consents written under their lock, an inquiry, sealed into the audit log by the worker
    await home.memberB.client.ok(GRANT, { input: { bankId: world.bank.id, scope: 'RATING' } });
    const read = await world.banker.client.ok<{ bankRating: { inquiryId: string; rating: { verifiedRecords: number } | null } }>(BANK_RATING, { code: b.creditCode });
    expect(read.bankRating.rating?.verifiedRecords).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => {
        const rows: { audit_seq: string | null }[] = await pipeline.api.dataSource.query('SELECT audit_seq FROM inquiries WHERE id = $1', [read.bankRating.inquiryId]);
        return rows[0]?.audit_seq ? true : undefined;
      },
      20_000,
      'the inquiry sealed',
    );

    // the chain written by all of the above, as the role, verifies
    expect((await world.admin.client.ok<{ verifyAuditLog: { ok: boolean } }>(CHAIN)).verifyAuditLog).toEqual({ ok: true, firstBrokenSeq: null, reason: null });
    // and no job failed on the way, nor did the relay (a privilege missing fails a job, which a retry would hide)
    expect(watched.failed).toEqual([]);
    expect(await pipeline.api.dataSource.query('SELECT job_name, last_error FROM outbox WHERE last_error IS NOT NULL')).toEqual([]);
  }, 60_000);

  it('as the role: UPDATE, DELETE and TRUNCATE of a version, the audit log and the status changes are refused, as are disabling a trigger and session_replication_role', async () => {
    const { home } = world;
    // real rows in every table tried: a version, its status change and audit entries
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode);
    await home.memberB.client.ok(CONFIRM, { id: record.id });

    await withClient(appUrl, async (client) => {
      const me = (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0].u;
      expect(me).toBe(TEST_LOGIN);
      const present = async (sql: string): Promise<number> => Number((await client.query<{ n: string }>(sql, [record.id])).rows[0].n);
      expect(await present('SELECT count(*) AS n FROM trade_experiences WHERE record_id = $1')).toBe(1);
      expect(await present('SELECT count(*) AS n FROM record_status_changes WHERE record_id = $1')).toBe(1);
      expect(await present(`SELECT count(*) AS n FROM audit_log WHERE content LIKE '%' || $1 || '%'`)).toBeGreaterThanOrEqual(2);

      const denied = (table: string) => ({ code: '42501', message: `permission denied for table ${table}` });
      // the ledger: only the status (and the version bookkeeping) may move, which the application needs
      expect(await attempt(client, `UPDATE trade_experiences SET status = status, is_current = is_current WHERE record_id = $1`, [record.id])).toBeNull();
      expect(await attempt(client, 'UPDATE trade_experiences SET amount = amount + 1 WHERE record_id = $1', [record.id])).toMatchObject(denied('trade_experiences'));
      expect(await attempt(client, 'DELETE FROM trade_experiences WHERE record_id = $1', [record.id])).toMatchObject(denied('trade_experiences'));
      for (const table of KIND_TABLES) expect(await attempt(client, `TRUNCATE ${table}`)).toMatchObject(denied(table));
      // the status changes and the audit log: not even a row's own value back
      expect(await attempt(client, 'UPDATE record_status_changes SET to_status = to_status WHERE record_id = $1', [record.id])).toMatchObject(denied('record_status_changes'));
      expect(await attempt(client, 'DELETE FROM record_status_changes WHERE record_id = $1', [record.id])).toMatchObject(denied('record_status_changes'));
      expect(await attempt(client, 'TRUNCATE record_status_changes')).toMatchObject(denied('record_status_changes'));
      expect(await attempt(client, `UPDATE audit_log SET content = content WHERE content LIKE '%' || $1 || '%'`, [record.id])).toMatchObject(denied('audit_log'));
      expect(await attempt(client, `DELETE FROM audit_log WHERE content LIKE '%' || $1 || '%'`, [record.id])).toMatchObject(denied('audit_log'));
      expect(await attempt(client, 'TRUNCATE audit_log')).toMatchObject(denied('audit_log'));
      // nor can it switch the triggers off: not the owner, not a superuser
      expect(await attempt(client, 'ALTER TABLE trade_experiences DISABLE TRIGGER ALL')).toMatchObject({ code: '42501', message: 'must be owner of table trade_experiences' });
      expect(await attempt(client, 'DROP TRIGGER audit_log_no_update ON audit_log')).toMatchObject({ code: '42501', message: 'must be owner of relation audit_log' });
      expect(await attempt(client, 'SET session_replication_role = replica')).toMatchObject({ code: '42501', message: 'permission denied to set parameter "session_replication_role"' });
    });

    // nothing was touched
    const [after] = await pipeline.api.dataSource.query('SELECT status, amount FROM trade_experiences WHERE record_id = $1', [record.id]);
    expect(after).toEqual({ status: 'VERIFIED', amount: record.amount });
  });

  it('grants what the repositories update and delete, and nothing beyond a status or a seal on the append-only tables', async () => {
    const privileges = await withClient(ownerUrl, async (c) => {
      const { rows } = await c.query<{ table: string; update: boolean; some_update: boolean; delete: boolean; truncate: boolean }>(
        `SELECT c.relname AS table, has_table_privilege($1, c.oid, 'UPDATE') AS update, has_any_column_privilege($1, c.oid, 'UPDATE') AS some_update,
                has_table_privilege($1, c.oid, 'DELETE') AS delete, has_table_privilege($1, c.oid, 'TRUNCATE') AS truncate
           FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`,
        [APP_ROLE],
      );
      return new Map(rows.map((r) => [r.table, r]));
    });
    // read off the source: every table an UPDATE, an upsert's DO UPDATE or a DELETE names (the kind tables' are `${spec.table}`)
    const updated = new Set([...tablesIn(/\bUPDATE\s+([a-z_]+)\s+(?:[a-z]\s+)?SET\b/g), ...tablesIn(/INSERT INTO ([a-z_]+)\b(?:(?!INSERT INTO)[^`])*?ON CONFLICT[^`]*?DO UPDATE/g)]);
    const deleted = tablesIn(/DELETE FROM ([a-z_]+)/g);
    const missing = [
      ...[...updated].filter((t) => privileges.has(t) && !privileges.get(t)?.some_update).map((t) => `UPDATE ${t}`),
      ...[...deleted].filter((t) => privileges.has(t) && !privileges.get(t)?.delete).map((t) => `DELETE ${t}`),
    ];
    expect(missing).toEqual([]);
    expect(updated.size).toBeGreaterThan(20);
    for (const table of APPEND_ONLY) {
      expect({ table, ...privileges.get(table) }).toEqual({ table, update: false, some_update: KIND_TABLES.includes(table) || table === 'inquiries', delete: false, truncate: false });
    }
  });
});
