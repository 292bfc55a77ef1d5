import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Channel, channelName, JobName, QueueName, type RatingChangedMessage } from '@app/jobs';
import { Factories, onlyError, RatingFixtures } from '@app/testing';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, signIn, type World } from '../support/world';
import { isolatedDatabase, subscribe } from './api-support';

const HISTORY = 'query($id: ID!, $limit: Int) { company(id: $id) { id ratingHistory(limit: $limit) { score grade computedAt } } }';
const RUN_FIELDS = 'id trigger status asOf totalChunks chunksDone totalCompanies companiesDone ratingsWritten progress startedAt finishedAt';
const START = `mutation { startFullRecompute { ${RUN_FIELDS} } }`;
const RUN = `query($id: ID) { fullRecomputeRun(id: $id) { ${RUN_FIELDS} } }`;
const EVENTS = 'subscription($c: ID) { ratingChanged(companyId: $c) { eventId companyId creditCode companyName oldGrade newGrade oldScore newScore changedAt } }';

interface Run {
  id: string;
  trigger: string;
  status: string;
  asOf: string;
  totalChunks: number;
  chunksDone: number;
  totalCompanies: number;
  companiesDone: number;
  ratingsWritten: number;
  progress: number;
}

interface Event {
  ratingChanged: { eventId: string; companyId: string; creditCode: string; companyName: string; oldGrade: string | null; newGrade: string; oldScore: number | null; newScore: number; changedAt: string };
}

describe('the recompute pipeline, API side', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  describe('Company.ratingHistory', () => {
    it('lists every stored rating, newest first, to the company, its coordinator and ADMIN', async () => {
      const company = await world.factories.company(world.home.consortium.id);
      const member = await world.signIn(await world.factories.user('MEMBER', { companyId: company.id }));
      const fixtures = new RatingFixtures(api.dataSource);
      for (const [score, grade] of [
        [640, 'BB'],
        [700, 'BBB'],
        [755, 'A'],
      ] as const) {
        await fixtures.rating(company, { score, grade });
      }
      for (const caller of [member, world.home.coordinator, world.admin]) {
        const data = await caller.client.ok<{ company: { ratingHistory: { score: number; grade: string }[] } }>(HISTORY, { id: company.id });
        expect(data.company.ratingHistory.map((r) => [r.score, r.grade])).toEqual([
          [755, 'A'],
          [700, 'BBB'],
          [640, 'BB'],
        ]);
      }
      // the first is the current rating; limit cuts the oldest off
      const current = await member.client.ok<{ company: { rating: { score: number } } }>('query($id: ID!) { company(id: $id) { rating { score } } }', { id: company.id });
      expect(current.company.rating.score).toBe(755);
      const two = await member.client.ok<{ company: { ratingHistory: { score: number }[] } }>(HISTORY, { id: company.id, limit: 2 });
      expect(two.company.ratingHistory.map((r) => r.score)).toEqual([755, 700]);
      // a company without ratings has an empty history
      const fresh = await world.home.memberA.client.ok<{ company: { ratingHistory: unknown[] } }>(HISTORY, { id: world.home.companyA.id });
      expect(fresh.company.ratingHistory).toEqual([]);
    });

    it('takes a limit of 1 to 500', async () => {
      for (const limit of [0, -1, 501]) {
        const error = onlyError(await world.home.memberA.client.request(HISTORY, { id: world.home.companyA.id, limit }));
        expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
      }
      const most = await world.home.memberA.client.request(HISTORY, { id: world.home.companyA.id, limit: 500 });
      expect(most.errors).toBeUndefined();
    });

    it('is refused to a fellow member, another consortium and a bank', async () => {
      // a fellow member may see the company, not its ratings
      const fellow = await world.home.memberB.client.request(HISTORY, { id: world.home.companyA.id });
      expect(onlyError(fellow).extensions?.code).toBe('FORBIDDEN');
      expect(onlyError(fellow).path).toEqual(['company', 'ratingHistory']);
      for (const caller of [world.other.memberA, world.other.coordinator, world.banker]) {
        expect(onlyError(await caller.client.request(HISTORY, { id: world.home.companyA.id })).extensions?.code).toBe('FORBIDDEN');
      }
      // a bank reaches no Company at all, so not its history either
      expect(onlyError(await world.banker.client.request(HISTORY, { id: world.consented.company.id })).extensions?.code).toBe('FORBIDDEN');
    });

    it('refuses every aliased copy of the guarded fields on its own (the field guards run per field, not per query)', async () => {
      const aliased = await world.home.memberB.client.request(
        `query($id: ID!) { company(id: $id) { id h1: ratingHistory(limit: 5) { score } h2: ratingHistory(limit: 1) { grade } r1: rating { score } r2: rating { grade } } }`,
        { id: world.home.companyA.id },
      );
      const errors = aliased.errors ?? [];
      expect(errors.map((e) => e.path?.join('.')).sort()).toEqual(['company.h1', 'company.h2', 'company.r1', 'company.r2']);
      expect(errors.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
      // no alias carries data (the history is a non-null list: its refusal nulls the company)
      const company = (aliased.data as { company: Record<string, unknown> | null } | null | undefined)?.company ?? null;
      for (const alias of ['h1', 'h2', 'r1', 'r2']) expect(company?.[alias] ?? null).toBeNull();
      expect(JSON.stringify(aliased.data ?? null)).not.toMatch(/"(score|grade)"/);
    });
  });

  describe('Subscription.ratingChanged', () => {
    let redis: IORedis;

    beforeAll(() => {
      redis = new IORedis(api.config.redisUrl, { maxRetriesPerRequest: 1 });
    });
    afterAll(async () => {
      await redis.quit();
    });

    /** What the worker does: a JSON message on the prefixed channel. */
    async function publish(company: { id: string; consortiumId: string }, eventId: string): Promise<RatingChangedMessage> {
      const message: RatingChangedMessage = {
        eventId,
        companyId: company.id,
        consortiumId: company.consortiumId,
        oldGrade: 'BBB',
        newGrade: 'BB',
        oldScore: 712,
        newScore: 655,
        changedAt: '2026-11-28T08:00:00.000Z',
      };
      await redis.publish(channelName(api.config.queuePrefix, Channel.RATING_CHANGED), JSON.stringify(message));
      return message;
    }

    it("reaches the company's members, its coordinator and ADMIN, and nobody else", async () => {
      const { home, other } = world;
      const listeners: Record<string, SignedIn> = {
        member: home.memberA,
        coordinator: home.coordinator,
        admin: world.admin,
        fellowMember: home.memberB,
        otherMember: other.memberA,
        otherCoordinator: other.coordinator,
      };
      const subs = Object.fromEntries(
        await Promise.all(Object.entries(listeners).map(async ([name, who]) => [name, await subscribe<Event>(api.url, who.token, EVENTS)] as const)),
      );
      // the ADMIN narrowed to one company hears only that one
      const adminOnOther = await subscribe<Event>(api.url, world.admin.token, EVENTS, { c: other.companyA.id });
      try {
        await publish(other.companyA, '00000000-0000-4000-8000-000000000001');
        await publish(home.companyA, '00000000-0000-4000-8000-000000000002');

        for (const name of ['member', 'coordinator'] as const) {
          const got = await subs[name].next();
          expect(got.ratingChanged).toEqual({
            eventId: '00000000-0000-4000-8000-000000000002',
            companyId: home.companyA.id,
            creditCode: home.companyA.creditCode,
            companyName: home.companyA.name,
            oldGrade: 'BBB',
            newGrade: 'BB',
            oldScore: 712,
            newScore: 655,
            changedAt: '2026-11-28T08:00:00.000Z',
          });
        }
        const adminGot = [await subs.admin.next(), await subs.admin.next()].map((e) => e.ratingChanged.companyId).sort();
        expect(adminGot).toEqual([home.companyA.id, other.companyA.id].sort());
        expect((await subs.otherMember.next()).ratingChanged.companyId).toBe(other.companyA.id);
        expect((await subs.otherCoordinator.next()).ratingChanged.companyId).toBe(other.companyA.id);
        expect((await adminOnOther.next()).ratingChanged.companyId).toBe(other.companyA.id);

        // give anything that should not come time to come
        await new Promise((r) => setTimeout(r, 400));
        for (const sub of [...Object.values(subs), adminOnOther]) {
          expect(sub.errors).toEqual([]);
          expect(sub.received).toEqual([]);
        }
      } finally {
        await Promise.all([...Object.values(subs), adminOnOther].map((s) => s.close()));
      }
    });

    it('refuses a company filter the caller may not watch, and a bank', async () => {
      const foreign = await subscribe<Event>(api.url, world.home.memberA.token, EVENTS, { c: world.home.companyB.id });
      const missing = await subscribe<Event>(api.url, world.home.coordinator.token, EVENTS, { c: '00000000-0000-4000-8000-00000000abcd' });
      const bank = await subscribe<Event>(api.url, world.banker.token, EVENTS);
      try {
        expect(foreign.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        expect(missing.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
        expect(bank.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      } finally {
        await Promise.all([foreign, missing, bank].map((s) => s.close()));
      }
    });

    it('asked over HTTP, answers like bankAlerts: the way to graphql-ws, or the refusal', async () => {
      const asked = onlyError(await world.home.memberA.client.request(EVENTS, { c: world.home.companyA.id }));
      expect(asked.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      expect(asked.message).toMatch(/graphql-ws/);
      expect(onlyError(await world.home.memberA.client.request(EVENTS, { c: world.other.companyA.id })).extensions?.code).toBe('FORBIDDEN');
      expect(onlyError(await world.banker.client.request(EVENTS)).extensions?.code).toBe('FORBIDDEN');
      expect(onlyError(await api.client.request(EVENTS)).extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('the full recompute (a database of its own)', () => {
    let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
    let own: RunningApi;
    let admin: SignedIn;
    let member: SignedIn;

    beforeAll(async () => {
      isolated = await isolatedDatabase(api.config.databaseUrl);
      own = await startApi({ DATABASE_URL: isolated.url, FULL_RECOMPUTE_CHUNK_SIZE: '2', FULL_RECOMPUTE_LANES: '3' });
      const f = new Factories(own.dataSource);
      const consortium = await f.consortium();
      const companies = [];
      for (let i = 0; i < 5; i += 1) companies.push(await f.company(consortium.id));
      admin = await signIn(own, await f.user('ADMIN'));
      member = await signIn(own, await f.user('MEMBER', { companyId: companies[0].id }));
    });
    afterAll(async () => {
      await own?.close();
      await isolated?.drop();
    });

    it('answers null before any run', async () => {
      expect(await admin.client.ok(RUN)).toEqual({ fullRecomputeRun: null });
    });

    it('starts a run cut into chunks with one outbox row per lane, audited; a second start answers the same run', async () => {
      const { startFullRecompute: run } = await admin.client.ok<{ startFullRecompute: Run }>(START);
      expect(run).toMatchObject({ trigger: 'ADMIN', status: 'RUNNING', totalChunks: 3, chunksDone: 0, totalCompanies: 5, companiesDone: 0, ratingsWritten: 0, progress: 0 });
      expect(run.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      const chunks: { chunk_no: number; companies: number }[] = await own.dataSource.query(
        'SELECT chunk_no, companies FROM full_recompute_chunks WHERE run_id = $1 ORDER BY chunk_no',
        [run.id],
      );
      expect(chunks.map((c) => Number(c.companies))).toEqual([2, 2, 1]);
      const outbox: { payload: { runId: string; lane: number }; sent_at: Date | null }[] = await own.dataSource.query(
        'SELECT payload, sent_at FROM outbox WHERE job_name = $1 ORDER BY id',
        [JobName.FULL_RECOMPUTE],
      );
      expect(outbox.map((o) => o.payload)).toEqual([0, 1, 2].map((lane) => ({ runId: run.id, lane })));
      const audit: { actor_id: string; content: string }[] = await own.dataSource.query("SELECT actor_id, content FROM audit_log WHERE action = 'fullRecompute.started'");
      expect(audit).toHaveLength(1);
      expect(audit[0].actor_id).toBe(admin.user.id);
      expect(audit[0].content).toContain(run.id);

      // while it runs, starting again is the same run and writes nothing more
      const again = await admin.client.ok<{ startFullRecompute: Run }>(START);
      expect(again.startFullRecompute.id).toBe(run.id);
      const rows: { n: string }[] = await own.dataSource.query('SELECT count(*) AS n FROM outbox WHERE job_name = $1', [JobName.FULL_RECOMPUTE]);
      expect(Number(rows[0].n)).toBe(3);

      expect((await admin.client.ok<{ fullRecomputeRun: Run }>(RUN)).fullRecomputeRun.id).toBe(run.id);
      expect((await admin.client.ok<{ fullRecomputeRun: Run }>(RUN, { id: run.id })).fullRecomputeRun).toMatchObject({ id: run.id, status: 'RUNNING' });
      expect(await admin.client.ok(RUN, { id: '00000000-0000-4000-8000-000000000000' })).toEqual({ fullRecomputeRun: null });
      expect(onlyError(await admin.client.request(RUN, { id: 'nope' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

      // progress follows the chunks the workers commit
      await own.dataSource.query('UPDATE full_recompute_chunks SET done_at = now(), ratings_written = companies WHERE run_id = $1 AND chunk_no = 0', [run.id]);
      const partway = (await admin.client.ok<{ fullRecomputeRun: Run }>(RUN, { id: run.id })).fullRecomputeRun;
      expect(partway).toMatchObject({ chunksDone: 1, companiesDone: 2, ratingsWritten: 2, progress: 0.4 });
    });

    it('is for ADMIN only', async () => {
      expect(onlyError(await member.client.request(START)).extensions?.code).toBe('FORBIDDEN');
      expect(onlyError(await member.client.request(RUN)).extensions?.code).toBe('FORBIDDEN');
      expect(onlyError(await own.client.request(START)).extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('Bull Board at /admin/queues', () => {
    const board = (path = '', init: RequestInit = {}) => fetch(`${api.url}/admin/queues${path}`, { redirect: 'manual', ...init });
    const bearer = (who: SignedIn) => ({ authorization: `Bearer ${who.token}` });

    it('answers 401 without credentials and 403 to anyone but an ADMIN, on the page, its assets and its API', async () => {
      for (const path of ['', '/', '/api/queues', '/static/images/logo.svg', '/queue/ratings']) {
        expect([path, (await board(path)).status]).toEqual([path, 401]);
        expect([path, (await board(path, { headers: bearer(world.home.memberA) })).status]).toEqual([path, 403]);
        expect([path, (await board(path, { headers: bearer(world.banker) })).status]).toEqual([path, 403]);
        expect([path, (await board(path, { headers: { authorization: 'Bearer not-a-token' } })).status]).toEqual([path, 401]);
      }
      // a bank's API key authenticates, as a bank
      const created = await world.admin.client.ok<{ createApiKey: { secret: string } }>('mutation($b: ID!) { createApiKey(bankId: $b, name: "core banking") { secret } }', { b: world.bank.id });
      expect((await board('/api/queues', { headers: { 'x-api-key': created.createApiKey.secret } })).status).toBe(403);
      expect((await board('/api/queues', { headers: { authorization: `ApiKey ${created.createApiKey.secret}` } })).status).toBe(403);
      // a write through the board's API is refused the same way
      expect((await board('/api/queues/ratings/retry/failed', { method: 'PUT' })).status).toBe(401);
      expect((await board('/api/queues/ratings/retry/failed', { method: 'PUT', headers: bearer(world.home.coordinator) })).status).toBe(403);
    });

    it('lists every queue with the configured prefix to an ADMIN bearer', async () => {
      const page = await board('', { headers: bearer(world.admin) });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const api_ = await board('/api/queues', { headers: bearer(world.admin) });
      expect(api_.status).toBe(200);
      const body = (await api_.json()) as { queues: { name: string }[] };
      expect(body.queues.map((q) => q.name).sort()).toEqual([QueueName.DELIVERIES, QueueName.RATINGS, QueueName.RECORDS, QueueName.WEBHOOKS].sort());
      // the queues are the prefixed ones: a job added under the prefix shows
      const ratings = new Queue(QueueName.RATINGS, { connection: { url: api.config.redisUrl }, prefix: api.config.queuePrefix });
      try {
        const job = await ratings.add(JobName.RECOMPUTE_STANDING, { consortiumId: world.other.consortium.id }, { delay: 3_600_000 });
        const delayed = await board('/api/queues?activeQueue=ratings&status=delayed', { headers: bearer(world.admin) });
        const listed = (await delayed.json()) as { queues: { name: string; jobs: { id: string }[] }[] };
        expect(listed.queues.find((q) => q.name === QueueName.RATINGS)?.jobs.map((j) => j.id)).toContain(job.id);
        await job.remove();
      } finally {
        await ratings.close();
      }
    });

    it('opens a cookie session for an ADMIN bearer only: HttpOnly, SameSite=Strict, on the board path', async () => {
      expect((await board('/session', { method: 'POST' })).status).toBe(401);
      expect((await board('/session', { method: 'POST', headers: bearer(world.home.coordinator) })).status).toBe(403);
      const opened = await board('/session', { method: 'POST', headers: bearer(world.admin) });
      expect(opened.status).toBe(204);
      const cookie = opened.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^ca_queue_board=[^;]+; Path=\/admin\/queues; Max-Age=\d+; HttpOnly; SameSite=Strict/);
      const pair = cookie.split(';')[0];
      expect((await board('', { headers: { cookie: pair } })).status).toBe(200);
      expect((await board('/api/queues', { headers: { cookie: pair } })).status).toBe(200);
      expect((await board('/static/images/logo.svg', { headers: { cookie: pair } })).status).toBe(200);
      // the cookie alone cannot open another session, nor write from another origin
      expect((await board('/session', { method: 'POST', headers: { cookie: pair } })).status).toBe(401);
      expect((await board('/api/queues/ratings/pause', { method: 'PUT', headers: { cookie: pair, origin: 'https://evil.example' } })).status).toBe(403);
      // a member's token in the cookie is a member
      expect((await board('', { headers: { cookie: `ca_queue_board=${world.home.memberA.token}` } })).status).toBe(403);
      expect((await board('', { headers: { cookie: 'ca_queue_board=forged' } })).status).toBe(401);
      // signing out of the board clears the cookie
      const closed = await board('/session', { method: 'DELETE', headers: { cookie: pair } });
      expect(closed.status).toBe(204);
      expect(closed.headers.get('set-cookie')).toMatch(/^ca_queue_board=; Path=\/admin\/queues; Max-Age=0/);
    });
  });

  describe('/metrics', () => {
    it('reports queue depths, the outbox and the recompute lag', async () => {
      const ratings = new Queue(QueueName.RATINGS, { connection: { url: api.config.redisUrl }, prefix: api.config.queuePrefix });
      try {
        // no worker runs on this jest worker's prefix: the job waits while we look
        const job = await ratings.add(JobName.RECOMPUTE_STANDING, { consortiumId: world.home.consortium.id }, { timestamp: Date.now() - 90_000 });
        const text = await (await fetch(`${api.url}/metrics`)).text();
        for (const queue of [QueueName.RATINGS, QueueName.RECORDS, QueueName.DELIVERIES, QueueName.WEBHOOKS]) {
          for (const state of ['waiting', 'active', 'delayed', 'failed', 'prioritized']) {
            expect(text).toMatch(new RegExp(`^ca_queue_jobs\\{queue="${queue}",state="${state}"\\} \\d+$`, 'm'));
          }
        }
        const waiting = Number(/^ca_queue_jobs\{queue="ratings",state="waiting"\} (\d+)$/m.exec(text)?.[1]);
        expect(waiting).toBeGreaterThanOrEqual(1);
        const lag = Number(/^ca_recompute_lag_seconds ([\d.e+]+)$/m.exec(text)?.[1]);
        expect(lag).toBeGreaterThanOrEqual(89);
        expect(text).toMatch(/^ca_outbox_unsent \d+$/m);
        await job.remove();
      } finally {
        await ratings.close();
      }
    });

    it('still answers, within about 2 s, while Redis is down: what PostgreSQL knows', async () => {
      const lonely = await startApi({ REDIS_URL: 'redis://127.0.0.1:1' });
      try {
        const started = Date.now();
        const response = await fetch(`${lonely.url}/metrics`);
        const text = await response.text();
        expect(response.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(2_500);
        expect(text).toMatch(/^ca_outbox_unsent \d+$/m);
        expect(text).toMatch(/^ca_recompute_lag_seconds [\d.e+-]+$/m);
        expect(text).not.toMatch(/^ca_queue_jobs\{/m);
      } finally {
        await lonely.close();
      }
    });
  });
});
