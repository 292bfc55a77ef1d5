import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, type Company, toCalendarDate } from '@app/domain';
import { migrate, OutboxRepository } from '@app/persistence';
import { Factories, testConfig } from '@app/testing';
import { startApi, type RunningApi } from '../support/api';
import { signIn, type SignedIn } from '../support/world';
import { CONFIRM, REPORT_TRADE, tradeInput } from '../records/records-support';
import { eventually, type RunningWorker, startWorker } from './pipeline-support';
import { type PrivatePostgres, sleep, startPrivatePostgres, timedGet, timedGraphql } from './fault-support';

/**
 * Fault (3) of issue 5: PostgreSQL is stopped (pg_ctl stop -m fast) and started again
 * while members file and confirm trade experiences at a steady rate. While it is down the
 * API answers at once with a retryable error that names a reference and nothing of the
 * database; once it is back the API serves again by itself, and every outbox row of every
 * mutation that succeeded is there, relayed, and its ratings computed.
 */

const COMPANIES = 8;
const LANES = 4;
/** the longest an answer may take while the database is down */
const PROMPT_MS = 5_000;
const READ = `query($id: ID!) { company(id: $id) { id rating { verifiedRecords } } }`;

interface Member {
  readonly company: Company;
  readonly member: SignedIn;
}

interface Outcome {
  readonly op: 'report' | 'confirm';
  readonly creditor: string;
  readonly debtor: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly at: number;
  readonly error?: { message: string; extensions?: Record<string, unknown> };
  readonly text: string;
}

/** what an error of an outage must not reveal */
const LEAKS = /\b(SELECT|INSERT|UPDATE|DELETE)\b|ECONNREFUSED|127\.0\.0\.1|postgres|\bat .+\.(js|ts):\d+|stack/i;

describe('fault: PostgreSQL restarted under load', () => {
  let pg: PrivatePostgres;
  let api: RunningApi;
  let worker: RunningWorker;
  const members: Member[] = [];
  let coordinator: SignedIn;
  const outcomes: Outcome[] = [];
  const today = toCalendarDate(new Date());
  const onTime = { invoiceDate: addDays(today, -60), dueDate: addDays(today, -20), paidDate: addDays(today, -25) };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const databaseUrl = pg.url('credit_alliance_fault');
    await migrate({ databaseUrl, dbPoolSize: 2 });
    const settings = { DATABASE_URL: databaseUrl, QUEUE_PREFIX: `${testConfig().queuePrefix}_fault_pg` };
    api = await startApi(settings);
    worker = await startWorker(testConfig(settings));
    const factories = new Factories(api.dataSource);
    const consortium = await factories.consortium();
    coordinator = await signIn(api, await factories.user('COORDINATOR', { consortiumId: consortium.id }));
    for (let i = 0; i < COMPANIES; i++) {
      const company = await factories.company(consortium.id);
      members.push({ company, member: await signIn(api, await factories.user('MEMBER', { companyId: company.id })) });
    }
  }, 60_000);

  afterAll(async () => {
    // a database left stopped by a failed test would hold up the pools' shutdown
    await pg?.start().catch(() => undefined);
    await worker?.close();
    await api?.close();
    await pg?.destroy();
  }, 60_000);

  const call = async (op: Outcome['op'], by: Member, query: string, variables: Record<string, unknown>, creditor: Member, debtor: Member) => {
    const answer = await timedGraphql<Record<string, { id: string; status: string }>>(api.url, by.member.token, query, variables, 15_000);
    const ok = !answer.errors?.length && !!answer.data;
    outcomes.push({ op, creditor: creditor.company.id, debtor: debtor.company.id, ok, ms: answer.ms, at: Date.now(), error: answer.errors?.[0], text: answer.text });
    return ok ? answer.data : null;
  };

  /** one lane of steady load: file an on-time invoice, have the debtor confirm it, pause, again */
  const lane = async (index: number, until: () => boolean): Promise<void> => {
    for (let i = 0; !until(); i++) {
      const from = (index + i) % COMPANIES;
      const creditor = members[from];
      const debtor = members[(from + 1 + (i % (COMPANIES - 1))) % COMPANIES];
      const reported = await call('report', creditor, REPORT_TRADE, { input: tradeInput(debtor.company.creditCode, onTime) }, creditor, debtor);
      if (reported) await call('confirm', debtor, CONFIRM, { id: reported.reportTradeExperience.id }, creditor, debtor);
      await sleep(40);
    }
  };

  it('answers clear errors at once while PostgreSQL is down, recovers by itself, and loses no outbox row', async () => {
    let stopLoad = false;
    const load = Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, () => stopLoad)));
    try {
      await sleep(3_000);
      const beforeOutage = outcomes.filter((o) => o.ok).length;
      expect(beforeOutage).toBeGreaterThan(20);

      await pg.stop();
      const down = Date.now();
      // during the outage: a read, readiness, and the load's mutations all answer promptly and clearly
      const read = await timedGraphql(api.url, coordinator.token, READ, { id: members[0].company.id }, 15_000);
      expect(read.ms).toBeLessThan(PROMPT_MS);
      expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, errorId: expect.any(String) });
      expect(read.text).not.toMatch(LEAKS);
      const ready = await timedGet(`${api.url}/health/ready`, 15_000);
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(PROMPT_MS);
      await sleep(4_000);

      await pg.start();
      const up = Date.now();
      const outage = up - down;
      // the API serves again by itself: no restart, no manual step
      await eventually(
        async () => {
          const answer = await timedGraphql<{ company: { id: string } }>(api.url, coordinator.token, READ, { id: members[0].company.id }, 15_000);
          return answer.data?.company?.id ? true : undefined;
        },
        10_000,
        'the API to serve reads again',
      );
      const recovered = Date.now() - up;
      await eventually(async () => ((await timedGet(`${api.url}/health/ready`)).status === 200 ? true : undefined), 10_000, 'the API to be ready again');
      await sleep(3_000);
      stopLoad = true;
      await load;

      // every failure was an outage error: prompt, retryable, with a reference, revealing nothing
      const failures = outcomes.filter((o) => !o.ok);
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures) {
        expect({ code: f.error?.extensions?.code, retryable: f.error?.extensions?.retryable, reference: typeof f.error?.extensions?.errorId }).toEqual({
          code: 'SERVICE_UNAVAILABLE',
          retryable: true,
          reference: 'string',
        });
        expect(f.text).not.toMatch(LEAKS);
        expect(f.ms).toBeLessThan(PROMPT_MS);
      }
      // and they all happened while it was down (with a little slack for the restart)
      expect(failures.every((f) => f.at >= down - 1_000 && f.at <= up + recovered + 1_000)).toBe(true);
      const afterOutage = outcomes.filter((o) => o.ok && o.at > up).length;
      expect(afterOutage).toBeGreaterThan(10);

      // no outbox row lost: every successful mutation's rows are there (one per company it involves), all relayed
      const db = api.dataSource;
      await eventually(async () => ((await new OutboxRepository().countUnsent(db.manager)) === 0 ? true : undefined), 20_000, 'the relay to send every row');
      const rows: { company_id: string; reason: string; n: string }[] = await db.query(
        `SELECT payload->>'companyId' AS company_id, payload->>'reason' AS reason, count(*) AS n FROM outbox
         WHERE job_name = 'recompute-company.v1' AND payload->>'reason' IN ('record.filed', 'record.confirmed') GROUP BY 1, 2`,
      );
      const found = new Map(rows.map((r) => [`${r.reason} ${r.company_id}`, Number(r.n)]));
      for (const m of members) {
        for (const [op, reason] of [
          ['report', 'record.filed'],
          ['confirm', 'record.confirmed'],
        ] as const) {
          const involving = outcomes.filter((o) => o.op === op && (o.creditor === m.company.id || o.debtor === m.company.id));
          const succeeded = involving.filter((o) => o.ok).length;
          const rowsOf = found.get(`${reason} ${m.company.id}`) ?? 0;
          // at least one row per success; never more than the attempts (a failed call may have committed before the connection dropped)
          expect({ company: m.company.name, op, atLeast: rowsOf >= succeeded, atMost: rowsOf <= involving.length }).toEqual({
            company: m.company.name,
            op,
            atLeast: true,
            atMost: true,
          });
        }
      }

      // and the ratings were computed: each company's current rating counts all its verified records
      const confirmed = outcomes.filter((o) => o.op === 'confirm' && o.ok).length;
      const loadEnded = Date.now();
      await eventually(
        async () => {
          const behind: { n: string }[] = await db.query(
            `SELECT count(*) AS n FROM companies c
             LEFT JOIN LATERAL (SELECT verified_records FROM ratings r WHERE r.company_id = c.id ORDER BY r.id DESC LIMIT 1) cur ON true
             WHERE c.id = ANY($1::uuid[])
               AND coalesce(cur.verified_records, -1) <> (SELECT count(*) FROM trade_experiences t WHERE t.subject_id = c.id AND t.is_current AND t.status = 'VERIFIED')`,
            [members.map((m) => m.company.id)],
          );
          return Number(behind[0].n) === 0 ? true : undefined;
        },
        // a recompute that failed while the database was down waits out its retry backoff (1, 2, 4, 8, 16 s...)
        75_000,
        'every company to be rated with all its verified records',
      );
      const ratedAfter = Date.now() - loadEnded;
      // and what the recomputes queued in turn (standings, partners) was relayed too
      await eventually(
        async () => (Number((await db.query('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL'))[0].n) === 0 ? true : undefined),
        20_000,
        'every outbox row to be sent',
      );
      const verified = Number((await db.query(`SELECT count(*) AS n FROM trade_experiences WHERE is_current AND status = 'VERIFIED'`))[0].n);
      expect(verified).toBeGreaterThanOrEqual(confirmed);
      process.stdout.write(
        `fault-postgres: ${outcomes.length} mutations (${outcomes.length - failures.length} succeeded, ${failures.length} failed during a ${outage} ms outage, ` +
          `slowest failure ${Math.max(...failures.map((f) => f.ms))} ms); reads served again ${recovered} ms after PostgreSQL started; ` +
          `every rating current ${ratedAfter} ms after the load ended\n`,
      );
    } finally {
      stopLoad = true;
      await load.catch(() => undefined);
    }
  }, 150_000);
});
