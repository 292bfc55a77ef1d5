import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName, QueueName } from '@app/jobs';
import { OutboxRepository, RatingRepository, ScoringInputRepository } from '@app/persistence';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { createWorld, type World } from '../support/world';
import { CONFIRM, evidence, FILE_SOFT_SIGNAL, reportTrade, VERIFY } from '../records/records-support';
import { subscribe } from './api-support';
import { eventually, type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';

const RATING = `query($id: ID!) { company(id: $id) { id rating { score grade computedAt verifiedRecords } } }`;
const STANDING = `query($id: ID!) { consortium(id: $id) { id standing { grade computedAt } } }`;

interface RatingShape {
  score: number;
  grade: string;
  computedAt: string;
  verifiedRecords: number;
}

describe('the recompute pipeline, end to end', () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let world: World;

  beforeAll(async () => {
    pipeline = await isolatedPipeline('recompute', { RATING_EVENT_MIN_POINTS: '1' });
    worker = await pipeline.startWorker();
    world = await createWorld(pipeline.api);
  });

  afterAll(async () => {
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  const rating = async (companyId: string): Promise<RatingShape | null> => {
    const data = await world.home.coordinator.client.ok<{ company: { rating: RatingShape | null } }>(RATING, { id: companyId });
    return data.company.rating;
  };
  const standing = async (): Promise<{ computedAt: string } | null> => {
    const data = await world.home.coordinator.client.ok<{ consortium: { standing: { computedAt: string } | null } }>(STANDING, { id: world.home.consortium.id });
    return data.consortium.standing;
  };

  it('a record confirmed through the API moves the subject rating and the consortium standing, with no manual step', async () => {
    const { home } = world;
    const before = await rating(home.companyB.id);
    const confirmTrade = async (overrides: Record<string, unknown>): Promise<void> => {
      const record = await reportTrade(home.memberA.client, home.companyB.creditCode, { paidDate: '2025-02-01', ...overrides });
      await home.memberB.client.ok(CONFIRM, { id: record.id });
    };

    // three invoices paid on time: enough for the payment factor to speak
    for (const month of ['01', '02', '03']) await confirmTrade({ invoiceDate: `2025-${month}-10`, dueDate: `2025-${month}-28`, paidDate: `2025-${month}-28` });
    const first = await eventually(
      async () => {
        const now = await rating(home.companyB.id);
        return now && now.verifiedRecords === 3 ? now : undefined;
      },
      20_000,
      'the first rating',
    );
    expect(before).toBeNull();
    const firstStanding = await eventually(async () => (await standing()) ?? undefined, 20_000, 'the first standing');

    // the company's member listens for RatingChanged over graphql-ws, through the worker's event
    const events = await subscribe<{ ratingChanged: { companyId: string; oldScore: number; newScore: number } }>(
      pipeline.api.url,
      home.memberB.token,
      'subscription($c: ID) { ratingChanged(companyId: $c) { companyId oldScore newScore newGrade } }',
      { c: home.companyB.id },
    );
    // a fourth, paid a month early: the payment index, and so the score, rise
    await confirmTrade({ invoiceDate: '2025-04-10', dueDate: '2025-05-28', paidDate: '2025-04-28' });
    const second = await eventually(
      async () => {
        const now = await rating(home.companyB.id);
        return now && now.verifiedRecords === 4 ? now : undefined;
      },
      20_000,
      'the rating after a second confirmed record',
    );
    expect(new Date(second.computedAt).getTime()).toBeGreaterThan(new Date(first.computedAt).getTime());
    expect(second.score).toBeGreaterThan(first.score);
    try {
      expect((await events.next(20_000)).ratingChanged).toMatchObject({ companyId: home.companyB.id, oldScore: first.score, newScore: second.score });
    } finally {
      await events.close();
    }
    const moved = await eventually(
      async () => {
        const now = await standing();
        return now && now.computedAt !== firstStanding.computedAt ? now : undefined;
      },
      20_000,
      'the standing after the second record',
    );
    expect(new Date(moved.computedAt).getTime()).toBeGreaterThan(new Date(firstStanding.computedAt).getTime());

    // the creditor's rating moved too: its network (the debtor it trades with) changed
    expect(await rating(home.companyA.id)).not.toBeNull();
    // every outbox row was relayed
    expect(await new OutboxRepository().countUnsent(pipeline.api.dataSource.manager)).toBe(0);
  });

  it("the coordinator's fund and risk parameters reach the standing, with no manual step", async () => {
    const ds = pipeline.api.dataSource;
    const consortiumId = world.home.consortium.id;
    const before = await eventually(async () => (await standing()) ?? undefined, 20_000, 'a standing');
    await world.home.coordinator.client.ok('mutation($n: ID!, $i: GuaranteeFundInput!) { setGuaranteeFund(consortiumId: $n, input: $i) { balance } }', {
      n: consortiumId,
      i: { balance: '3000000.00', coverageShare: 0.7, contributions: [{ companyId: world.home.companyA.id, amount: '100000.00' }] },
    });
    await world.home.coordinator.client.ok('mutation($n: ID!, $i: RiskParametersInput!) { setRiskParameters(consortiumId: $n, input: $i) { balance } }', {
      n: consortiumId,
      i: { lgd: 0.6, stressFactor: 4 },
    });
    // the worker computes a new standing with them
    const stored = await eventually(async () => {
      const rows: { parameters: { lgd: number; stressFactor: number }; computed_at: Date }[] = await ds.query(
        'SELECT parameters, computed_at FROM consortium_standings WHERE consortium_id = $1 ORDER BY id DESC LIMIT 1',
        [consortiumId],
      );
      return rows[0]?.parameters.lgd === 0.6 ? rows[0] : undefined;
    }, 20_000, 'the standing with the new parameters');
    expect(stored.parameters).toMatchObject({ lgd: 0.6, stressFactor: 4, correlation: 0.3 });
    expect(new Date((await standing())?.computedAt as string).getTime()).toBeGreaterThan(new Date(before.computedAt).getTime());
  });

  it('a burst of 50 recomputes of one company costs at most two jobs and writes no rating when nothing changed', async () => {
    const companyId = world.home.companyB.id;
    const ds = pipeline.api.dataSource;
    const history = new RatingRepository();
    await eventually(async () => ((await new OutboxRepository().countUnsent(ds.manager)) === 0 ? true : undefined));
    const ratingsBefore = (await history.history(ds.manager, companyId, 1000)).length;
    const connection = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(QueueName.RATINGS, { connection, prefix: pipeline.config.queuePrefix });
    try {
      const ran = async (): Promise<number> =>
        (await queue.getJobs(['completed', 'active', 'waiting', 'delayed'], 0, 10_000)).filter(
          (j) => j?.name === JobName.RECOMPUTE_COMPANY && j.data.companyId === companyId && j.data.reason === 'burst',
        ).length;
      await ds.transaction((tx) =>
        new OutboxRepository().add(
          tx,
          Array.from({ length: 50 }, () => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason: 'burst' } })),
        ),
      );
      await eventually(async () => ((await new OutboxRepository().countUnsent(ds.manager)) === 0 ? true : undefined));
      await eventually(async () => ((await queue.getJobCounts('active', 'waiting', 'delayed')).waiting === 0 ? true : undefined));
      const jobs = await ran();
      expect(jobs).toBeGreaterThanOrEqual(1);
      expect(jobs).toBeLessThanOrEqual(2);
      // the data did not change: the rating is current, and no row was added
      expect((await history.history(ds.manager, companyId, 1000)).length).toBe(ratingsBefore);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('a grade or score move is a RatingChanged event, written with the rating and handed to bank monitoring', async () => {
    const events: { n: string }[] = await pipeline.api.dataSource.query('SELECT count(*) AS n FROM rating_events WHERE company_id = $1', [
      world.home.companyB.id,
    ]);
    // the early payment moved the score by at least one point (RATING_EVENT_MIN_POINTS=1 here)
    expect(Number(events[0].n)).toBeGreaterThanOrEqual(1);
    const relayed: { n: string }[] = await pipeline.api.dataSource.query(
      `SELECT count(*) AS n FROM outbox WHERE job_name = $1 AND sent_at IS NOT NULL AND payload->>'eventId' IN (SELECT id::text FROM rating_events WHERE company_id = $2)`,
      [JobName.RATING_CHANGED, world.home.companyB.id],
    );
    expect(Number(relayed[0].n)).toBe(Number(events[0].n));
  });

  it("the owner's consent revoked: the owner's band stops counting at the recompute it queues; the signal stays, marked", async () => {
    const { home, factories } = world;
    const company = await factories.company(home.consortium.id);
    const member = await world.signIn(await factories.user('MEMBER', { companyId: company.id }));
    const band = {
      signalKind: 'OWNER_CREDIT_BAND',
      reference: `法定代表人个人信用 ${company.id.slice(0, 8)}`,
      value: 1,
      recordedOn: '2025-01-10',
      evidence: evidence('个人信用报告摘要.pdf'),
      ownerConsent: { ownerName: '李晓东', document: evidence('个人信息使用授权书.pdf'), signedOn: '2025-01-05' },
    };
    const filed = await member.client.ok<{ fileSoftSignal: { id: string } }>(FILE_SOFT_SIGNAL, { input: band });
    const signalId = filed.fileSoftSignal.id;
    await home.coordinator.client.ok(VERIFY, { id: signalId });
    await eventually(async () => ((await rating(company.id))?.verifiedRecords === 1 ? true : undefined), 20_000, 'a rating that counts the band');

    // who may not, and what is not an owner's band: refused, and nothing changes
    const REVOKE = 'mutation($id: ID!) { revokeOwnerConsent(id: $id) { id status ... on SoftSignal { ownerConsentOnFile ownerConsentRevokedAt } } }';
    const refused = await home.memberA.client.request(REVOKE, { id: signalId });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const certificate = await member.client.ok<{ fileSoftSignal: { id: string } }>(FILE_SOFT_SIGNAL, {
      input: { signalKind: 'CERTIFICATION', reference: 'ISO 9001:2015', recordedOn: '2025-01-10', evidence: evidence('ISO9001证书.pdf') },
    });
    const wrongKind = await member.client.request(REVOKE, { id: certificate.fileSoftSignal.id });
    expect(wrongKind.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const audit = () =>
      pipeline.api.dataSource.query(`SELECT content::jsonb -> 'details' ->> 'recordId' AS record_id FROM audit_log WHERE action = 'ownerConsent.revoked'`) as Promise<{ record_id: string }[]>;
    expect(await audit()).toEqual([]);
    // what tells a recompute that something changed: the company's data version
    const today = new Date().toISOString().slice(0, 10);
    const dataVersion = async () => (await new ScoringInputRepository().dataVersions(pipeline.api.dataSource.manager, [company.id], today)).get(company.id);
    const versionBefore = await dataVersion();

    const revoked = await member.client.ok<{ revokeOwnerConsent: { id: string; status: string; ownerConsentOnFile: boolean; ownerConsentRevokedAt: string | null } }>(REVOKE, {
      id: signalId,
    });
    expect(revoked.revokeOwnerConsent).toMatchObject({ id: signalId, status: 'VERIFIED', ownerConsentOnFile: true });
    expect(revoked.revokeOwnerConsent.ownerConsentRevokedAt).not.toBeNull();
    expect(await dataVersion()).not.toBe(versionBefore);
    const after = await eventually(async () => {
      const now = await rating(company.id);
      return now && now.verifiedRecords === 0 ? now : undefined;
    }, 20_000, 'a rating without the band');
    expect(after.verifiedRecords).toBe(0);

    // again: the same answer, no second audit entry; the coordinator may revoke too
    const again = await home.coordinator.client.ok<{ revokeOwnerConsent: { ownerConsentRevokedAt: string } }>(REVOKE, { id: signalId });
    expect(again.revokeOwnerConsent.ownerConsentRevokedAt).toBe(revoked.revokeOwnerConsent.ownerConsentRevokedAt);
    expect(await audit()).toEqual([{ record_id: signalId }]);
  });
});
