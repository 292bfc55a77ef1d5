import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '@app/domain';
import { JobName } from '@app/jobs';
import { InquiryRepository, OutboxRepository } from '@app/persistence';
import { onlyError, testConfig } from '@app/testing';
import { InquirySealer } from '@worker/monitoring/inquiry-sealer.service';
import { RatingChangedHandler } from '@worker/monitoring/monitoring.handlers';
import { WebhookSender } from '@worker/monitoring/webhook-sender.service';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { fixtures, freshCompany, grant, INQUIRIES, type Receiver, REVOKE, startReceiver, subscribe, until } from './bank-support';
import { type MonitoringWorker, startMonitoringWorker } from './monitoring-worker';

const WATCH = 'mutation($c: String!) { watchCompany(creditCode: $c) { id creditCode companyName consentActive } }';
const SET_ENDPOINT = 'mutation($u: String!) { setWebhookEndpoint(url: $u) { secret endpoint { id url } } }';
const DELIVERIES = `{ webhookDeliveries { id eventId creditCode status statusReason attempts { attempt trigger statusCode error } } }`;

const HANG_TIMEOUT_MS = 3_000;

/** A receiver that accepts connections and reads requests, and never answers. */
async function startHangingReceiver(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  let received = 0;
  const server = createServer((req) => {
    received++;
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/hangs`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Delivery {
  id: string;
  eventId: string;
  creditCode: string;
  status: string;
  statusReason: string | null;
  attempts: { attempt: number; trigger: string; statusCode: number | null; error: string | null }[];
}

describe('bank monitoring: alerts by subscription and signed webhooks', () => {
  let api: RunningApi;
  let world: World;
  let worker: MonitoringWorker;
  let receiver: Receiver;
  let secret: string;
  // a bank of its own, so that its endpoint and deliveries are this test's alone
  let banker: SignedIn;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    // a short backoff seed so that four attempts take about a second, not about an hour; a
    // hanging receiver is given up on after 3 s
    worker = await startMonitoringWorker(
      testConfig({
        WEBHOOK_BACKOFF_MS: '150',
        WEBHOOK_ATTEMPTS: '6',
        WEBHOOK_TIMEOUT_MS: String(HANG_TIMEOUT_MS),
        WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
        WEBHOOK_ENDPOINT_CONCURRENCY: '2',
        INQUIRY_SEAL_INTERVAL_MS: '600000',
      }),
    );
    receiver = await startReceiver();
    const bank = await world.factories.bank();
    banker = await world.signIn(await world.factories.user('BANK', { bankId: bank.id }));
    const registered = await banker.client.ok<{ setWebhookEndpoint: { secret: string; endpoint: { url: string } } }>(SET_ENDPOINT, { u: receiver.url });
    secret = registered.setWebhookEndpoint.secret;
    expect(secret).toMatch(/^whsec_/);
  });
  afterAll(async () => {
    await worker.close();
    await receiver.close();
    await api.close();
  });

  async function deliveries(): Promise<Delivery[]> {
    return (await banker.client.ok<{ webhookDeliveries: Delivery[] }>(DELIVERIES)).webhookDeliveries;
  }

  async function consentingCompany(): Promise<Awaited<ReturnType<typeof freshCompany>> & { consentId: string }> {
    const fresh = await freshCompany(world);
    const consent = await grant(fresh.member, banker.user.bankId as string, 'RATING');
    return { ...fresh, consentId: consent.id };
  }

  it('watches only companies that consent', async () => {
    const { company } = await freshCompany(world);
    expect(onlyError(await banker.client.request(WATCH, { c: company.creditCode })).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_MISSING' });
    const consenting = await consentingCompany();
    const watched = await banker.client.ok<{ watchCompany: { companyName: string; consentActive: boolean } }>(WATCH, { c: consenting.company.creditCode });
    expect(watched.watchCompany).toMatchObject({ companyName: consenting.company.name, consentActive: true });
    // watching twice is the same entry
    const again = await banker.client.ok<{ watchCompany: { id: string } }>(WATCH, { c: consenting.company.creditCode });
    const list = await banker.client.ok<{ watchlist: { id: string; creditCode: string }[] }>('{ watchlist { id creditCode } }');
    expect(list.watchlist.filter((w) => w.creditCode === consenting.company.creditCode)).toEqual([{ id: again.watchCompany.id, creditCode: consenting.company.creditCode }]);
  });

  it('a watch started while its consent is being revoked waits for the revocation, and is refused', async () => {
    const consenting = await consentingCompany();
    const bankId = banker.user.bankId as string;
    // a revocation in progress: the company and bank's lock is held, the consent revoked, not yet committed
    const revoking = api.dataSource.createQueryRunner();
    await revoking.connect();
    try {
      await revoking.startTransaction();
      await revoking.query(`SELECT pg_advisory_xact_lock(hashtextextended('consent:' || $1 || ':' || $2, 0))`, [consenting.company.id, bankId]);
      await revoking.query(`UPDATE consents SET revoked_at = now(), revoke_reason = 'REVOKED' WHERE id = $1`, [consenting.consentId]);
      const watching = banker.client.request(WATCH, { c: consenting.company.creditCode });
      await new Promise((done) => setTimeout(done, 300)); // the watch reaches its consent check
      await revoking.commitTransaction();
      expect(onlyError(await watching).extensions).toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      if (revoking.isTransactionActive) await revoking.rollbackTransaction();
      await revoking.release();
    }
    const rows: unknown[] = await api.dataSource.query('SELECT 1 FROM watchlist WHERE company_id = $1 AND removed_at IS NULL', [consenting.company.id]);
    expect(rows).toEqual([]);
  });

  it('a RatingChanged event reaches the bank by subscription and by a signed webhook; a receiver failing 3 times gets it on the 4th attempt', async () => {
    const { company, member } = await consentingCompany();
    await banker.client.ok(WATCH, { c: company.creditCode });
    const alerts = await subscribe<{ bankAlerts: { eventId: string; creditCode: string; companyName: string; oldGrade: string; newGrade: string } }>(
      api.url,
      banker.token,
      'subscription { bankAlerts { eventId creditCode companyName oldGrade newGrade oldScore newScore changedAt } }',
    );
    // another bank's subscriber hears nothing of it
    const otherAlerts = await subscribe<unknown>(api.url, world.otherBanker.token, 'subscription { bankAlerts { eventId } }');
    try {
      const before = receiver.requests.length;
      receiver.answer = (n) => (n - before <= 3 ? 503 : 200);
      const previous = await fixtures(api).rating(company, { grade: 'BBB', score: 712 });
      const event = await fixtures(api).ratingChange(company, previous, { grade: 'BB', score: 655 });
      await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });

      const alert = await alerts.next();
      expect(alert.bankAlerts).toMatchObject({ eventId: event.id, creditCode: company.creditCode, companyName: company.name, oldGrade: 'BBB', newGrade: 'BB' });

      await receiver.waitFor(before + 4);
      const tries = receiver.requests.slice(before);
      // every attempt carries the very same body, signed afresh, and the signature verifies
      const body = JSON.parse(tries[0].body) as { id: string; type: string; data: { eventId: string; creditCode: string; newGrade: string } };
      expect(body).toMatchObject({ id: `evt_${event.id}`, type: 'rating.changed', data: { eventId: event.id, creditCode: company.creditCode, newGrade: 'BB' } });
      for (const request of tries) {
        expect(request.body).toBe(tries[0].body);
        const header = request.headers[SIGNATURE_HEADER.toLowerCase()] as string;
        expect(verifyWebhookSignature(header, request.body, secret, Math.floor(Date.now() / 1000))).toMatchObject({ ok: true });
        // what a receiver must refuse: a changed body, another secret, a stale timestamp
        expect(verifyWebhookSignature(header, request.body.replace('"BB"', '"AAA"'), secret, Math.floor(Date.now() / 1000)).ok).toBe(false);
        expect(verifyWebhookSignature(header, request.body, 'whsec_wrong', Math.floor(Date.now() / 1000)).ok).toBe(false);
        expect(verifyWebhookSignature(header, request.body, secret, Math.floor(Date.now() / 1000) + 301).ok).toBe(false);
      }
      // retried with backoff: the gaps grow
      const gaps = tries.slice(1).map((r, i) => r.at - tries[i].at);
      expect(gaps[2]).toBeGreaterThan(gaps[0]);

      const delivered = await until(deliveries, (ds) => ds.find((d) => d.eventId === event.id)?.status === 'DELIVERED');
      const mine = delivered.find((d) => d.eventId === event.id) as Delivery;
      expect(mine.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
        [1, 503],
        [2, 503],
        [3, 503],
        [4, 200],
      ]);
      expect(mine.attempts[0].error).toMatch(/HTTP 503/);

      // the company sees that the bank was told, as an inquiry of its own kind
      const seen = await member.client.ok<{ inquiries: { bank: { id: string }; purpose: string; channel: string; readBy: string }[] }>(INQUIRIES, { companyId: company.id });
      expect(seen.inquiries).toEqual([expect.objectContaining({ bank: expect.objectContaining({ id: banker.user.bankId }), purpose: 'MONITORING', channel: 'ALERT', readBy: 'MONITORING' })]);

      // the same event relayed again (at-least-once): no second delivery, no second inquiry.
      // A new job of the event, so nothing in its data says it was published
      await worker.app.get(RatingChangedHandler).handle({ data: { eventId: event.id }, updateData: async () => undefined } as never);
      expect((await deliveries()).filter((d) => d.eventId === event.id)).toHaveLength(1);
      const inquiries = await new InquiryRepository().listByCompany(api.dataSource.manager, company.id);
      expect(inquiries).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(otherAlerts.errors).toEqual([]);
    } finally {
      await alerts.close();
      await otherAlerts.close();
    }
  });

  it('a revoked consent stops deliveries at once, and the watch with them', async () => {
    const { company, member, consentId } = await consentingCompany();
    await banker.client.ok(WATCH, { c: company.creditCode });
    const before = receiver.requests.length;
    receiver.answer = () => 500;
    const previous = await fixtures(api).rating(company);
    const event = await fixtures(api).ratingChange(company, previous, { grade: 'B', score: 600 });
    await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });
    await receiver.waitFor(before + 1);

    await member.client.ok(REVOKE, { id: consentId });
    const sentBeforeRevocation = receiver.requests.length;
    // long enough for three more retries had they gone on
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.requests.length - sentBeforeRevocation).toBeLessThanOrEqual(1);
    const cancelled = (await deliveries()).find((d) => d.eventId === event.id) as Delivery;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', statusReason: 'CONSENT_REVOKED' });
    const list = await banker.client.ok<{ watchlist: { creditCode: string }[] }>('{ watchlist { creditCode } }');
    expect(list.watchlist.map((w) => w.creditCode)).not.toContain(company.creditCode);

    // a new event: nobody is told, nothing is recorded
    receiver.answer = () => 200;
    const later = await fixtures(api).ratingChange(company, previous, { grade: 'CCC', score: 540 });
    const quiet = receiver.requests.length;
    await worker.relay(JobName.RATING_CHANGED, { eventId: later.id });
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.requests.length).toBe(quiet);
    expect((await deliveries()).find((d) => d.eventId === later.id)).toBeUndefined();
    expect(onlyError(await banker.client.request('mutation($id: ID!) { redeliverWebhook(id: $id) { id } }', { id: cancelled.id })).extensions?.code).toBe('FORBIDDEN');
  });

  it("one bank's hanging receiver does not hold up another bank's alerts: its POSTs take at most WEBHOOK_ENDPOINT_CONCURRENCY slots", async () => {
    const hanging = await startHangingReceiver();
    const slowBank = await world.factories.bank();
    const slow = await world.signIn(await world.factories.user('BANK', { bankId: slowBank.id }));
    await slow.client.ok(SET_ENDPOINT, { u: hanging.url });
    try {
      const watched = await freshCompany(world);
      await grant(watched.member, slowBank.id, 'RATING');
      await slow.client.ok(WATCH, { c: watched.company.creditCode });
      // six deliveries to the hanging bank, more than the worker runs at once (4)
      for (let i = 0; i < 6; i++) {
        const event = await fixtures(api).ratingChange(watched.company, null, i % 2 === 0 ? { grade: 'BB', score: 655 } : { grade: 'BBB', score: 712 });
        await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });
      }
      await until(async () => hanging.received(), (n) => n >= 2);
      await new Promise((r) => setTimeout(r, 300)); // the rest of them reach the endpoint (and find it busy)
      // at most its slots are held at once
      expect(hanging.received()).toBeLessThanOrEqual(2);

      // meanwhile an alert to a healthy bank arrives at once, not after the hanging POSTs time out
      const { company } = await consentingCompany();
      await banker.client.ok(WATCH, { c: company.creditCode });
      receiver.answer = () => 200;
      const before = receiver.requests.length;
      const event = await fixtures(api).ratingChange(company, null, { grade: 'A', score: 790 });
      const started = Date.now();
      await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });
      await receiver.waitFor(before + 1, 10_000);
      expect(Date.now() - started).toBeLessThan(HANG_TIMEOUT_MS / 2);
    } finally {
      // its pending deliveries are cancelled at their next attempt
      await slow.client.ok('mutation { disableWebhookEndpoint { id } }');
      await hanging.close();
    }
  });

  it('a delivery can be sent again by hand; the attempt is logged as MANUAL', async () => {
    const { company } = await consentingCompany();
    await banker.client.ok(WATCH, { c: company.creditCode });
    receiver.answer = () => 200;
    const before = receiver.requests.length;
    const event = await fixtures(api).ratingChange(company, null, { grade: 'A', score: 790 });
    await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });
    await receiver.waitFor(before + 1);
    const delivery = (await until(deliveries, (ds) => ds.find((d) => d.eventId === event.id)?.status === 'DELIVERED')).find((d) => d.eventId === event.id) as Delivery;

    const redelivered = await banker.client.ok<{ redeliverWebhook: { status: string } }>('mutation($id: ID!) { redeliverWebhook(id: $id) { id status } }', { id: delivery.id });
    expect(redelivered.redeliverWebhook.status).toBe('PENDING');
    // the API wrote an outbox row; the relay (another feature) would enqueue it: run the job's work directly
    const outbox = (await new OutboxRepository().claim(api.dataSource.manager, 10_000)).filter(
      (r) => r.jobName === JobName.DELIVER_WEBHOOK && (r.payload as { deliveryId?: string }).deliveryId === delivery.id,
    );
    expect(outbox).toHaveLength(1);
    expect(await worker.app.get(WebhookSender).attempt(delivery.id, true)).toBe('DELIVERED');
    await receiver.waitFor(before + 2);
    const after = (await deliveries()).find((d) => d.id === delivery.id) as Delivery;
    expect(after.status).toBe('DELIVERED');
    expect(after.attempts.map((a) => a.trigger)).toEqual(['AUTOMATIC', 'MANUAL']);
    // another bank cannot redeliver it
    expect(onlyError(await world.otherBanker.client.request('mutation($id: ID!) { redeliverWebhook(id: $id) { id } }', { id: delivery.id })).extensions?.code).toBe(
      'FORBIDDEN',
    );
  });

  it('a new webhook URL gets the deliveries still pending and redeliveries of older ones; with no endpoint, redelivery is refused', async () => {
    const first = await startReceiver(() => 200);
    const second = await startReceiver(() => 200);
    const bank = await world.factories.bank();
    const moving = await world.signIn(await world.factories.user('BANK', { bankId: bank.id }));
    const list = async (): Promise<Delivery[]> => (await moving.client.ok<{ webhookDeliveries: Delivery[] }>(DELIVERIES)).webhookDeliveries;
    const REDELIVER = 'mutation($id: ID!) { redeliverWebhook(id: $id) { id status } }';
    try {
      await moving.client.ok(SET_ENDPOINT, { u: first.url });
      const { company, member } = await freshCompany(world);
      await grant(member, bank.id, 'RATING');
      await moving.client.ok(WATCH, { c: company.creditCode });
      // an older delivery, delivered to the first URL
      const older = await fixtures(api).ratingChange(company, null, { grade: 'A', score: 790 });
      await worker.relay(JobName.RATING_CHANGED, { eventId: older.id });
      const olderDelivery = (await until(list, (ds) => ds.find((d) => d.eventId === older.id)?.status === 'DELIVERED')).find((d) => d.eventId === older.id) as Delivery;

      // the first URL now fails: a delivery is pending, retried
      first.answer = () => 503;
      const event = await fixtures(api).ratingChange(company, null, { grade: 'BB', score: 655 });
      await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });
      await first.waitFor(2);
      const sentToFirst = first.requests.length;
      await moving.client.ok(SET_ENDPOINT, { u: second.url });

      // its retries go to the new URL, and it is delivered there
      await second.waitFor(1);
      const pending = (await until(list, (ds) => ds.find((d) => d.eventId === event.id)?.status === 'DELIVERED')).find((d) => d.eventId === event.id) as Delivery;
      expect(second.requests[0].headers['x-creditalliance-delivery']).toBe(pending.id);
      expect(JSON.parse(second.requests[0].body)).toMatchObject({ data: { eventId: event.id } });
      // at most an attempt already under way when the URL changed still went to the first one
      expect(first.requests.length - sentToFirst).toBeLessThanOrEqual(1);

      // an older delivery, sent again by hand, goes to the new URL too
      expect((await moving.client.ok<{ redeliverWebhook: { status: string } }>(REDELIVER, { id: olderDelivery.id })).redeliverWebhook.status).toBe('PENDING');
      expect(await worker.app.get(WebhookSender).attempt(olderDelivery.id, true)).toBe('DELIVERED');
      expect(second.requests.map((r) => r.headers['x-creditalliance-delivery'])).toContain(olderDelivery.id);
      expect((await list()).find((d) => d.id === olderDelivery.id)?.attempts.map((a) => [a.trigger, a.statusCode])).toEqual([
        ['AUTOMATIC', 200],
        ['MANUAL', 200],
      ]);

      // with no endpoint, a redelivery is refused rather than answered PENDING and dropped
      await moving.client.ok('mutation { disableWebhookEndpoint { id } }');
      const refused = onlyError(await moving.client.request(REDELIVER, { id: olderDelivery.id }));
      expect(refused.extensions?.code).toBe('NOT_FOUND');
      expect(refused.message).toMatch(/no webhook endpoint/);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('rotating the secret signs with both until the old one lapses; the secret is shown only once', async () => {
    const rotated = await banker.client.ok<{ rotateWebhookSecret: { secret: string; endpoint: { previousSecretValidUntil: string } } }>(
      'mutation { rotateWebhookSecret { secret endpoint { previousSecretValidUntil } } }',
    );
    const fresh = rotated.rotateWebhookSecret.secret;
    expect(fresh).not.toBe(secret);
    expect(Date.parse(rotated.rotateWebhookSecret.endpoint.previousSecretValidUntil)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const endpoint = await banker.client.ok<{ webhookEndpoint: Record<string, unknown> }>('{ webhookEndpoint { id url createdAt } }');
    expect(JSON.stringify(endpoint)).not.toContain('whsec_');

    const { company } = await consentingCompany();
    await banker.client.ok(WATCH, { c: company.creditCode });
    receiver.answer = () => 200;
    const before = receiver.requests.length;
    const event = await fixtures(api).ratingChange(company, null, { grade: 'AA', score: 820 });
    await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });
    await receiver.waitFor(before + 1);
    const request = receiver.requests[before];
    const header = request.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhookSignature(header, request.body, fresh, now).ok).toBe(true);
    expect(verifyWebhookSignature(header, request.body, secret, now).ok).toBe(true);
    secret = fresh;
  });

  it('refuses webhook URLs that are not http(s) or carry credentials, naming the field', async () => {
    for (const url of ['ftp://bank.example.cn/hook', 'https://user:pass@bank.example.cn/hook', 'not a url']) {
      expect(onlyError(await banker.client.request(SET_ENDPOINT, { u: url })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    }
  });

  it('a subscription lives no longer than its credentials: a revoked API key gets no more alerts, and its socket is closed', async () => {
    const { company } = await consentingCompany();
    await banker.client.ok(WATCH, { c: company.creditCode });
    const created = await world.admin.client.ok<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      'mutation($b: ID!) { createApiKey(bankId: $b, name: "monitoring spec") { apiKey { id } secret } }',
      { b: banker.user.bankId },
    );
    const alerts = await subscribe<{ bankAlerts: { eventId: string } }>(api.url, created.createApiKey.secret, 'subscription { bankAlerts { eventId } }', 'ApiKey');
    try {
      const previous = await fixtures(api).rating(company, { grade: 'BBB', score: 712 });
      const first = await fixtures(api).ratingChange(company, previous, { grade: 'BB', score: 655 });
      await worker.relay(JobName.RATING_CHANGED, { eventId: first.id });
      expect((await alerts.next()).bankAlerts.eventId).toBe(first.id);

      await world.admin.client.ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: created.createApiKey.apiKey.id });
      const current = await fixtures(api).rating(company, { grade: 'BB', score: 655 });
      const second = await fixtures(api).ratingChange(company, current, { grade: 'B', score: 600 });
      await worker.relay(JobName.RATING_CHANGED, { eventId: second.id });
      // the webhook still carries it (the bank's endpoint is not the key's): the event was sent
      await until(deliveries, (ds) => ds.some((d) => d.eventId === second.id));
      const deadline = Date.now() + 5_000;
      while (alerts.closeCode() === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(alerts.closeCode()).toBe(4403);
      expect(alerts.received).toEqual([]);
    } finally {
      await alerts.close();
    }
  });

  it('refuses a bank-alert subscription to anyone but a bank', async () => {
    const memberAlerts = await subscribe<unknown>(api.url, world.home.memberA.token, 'subscription { bankAlerts { eventId } }');
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(memberAlerts.errors)).toMatch(/FORBIDDEN|may not/);
    await memberAlerts.close();
  });

  it('seals inquiries, alerts included, into the audit log in batches; the chain verifies', async () => {
    const sealer = worker.app.get(InquirySealer);
    await sealer.sealAll();
    const unsealed = await new InquiryRepository().countUnsealed(api.dataSource.manager);
    expect(unsealed).toBe(0);
    expect(await sealer.verify()).toMatchObject({ ok: true });
    const { verifyAuditLog } = await world.admin.client.ok<{ verifyAuditLog: { ok: boolean } }>('{ verifyAuditLog { ok } }');
    expect(verifyAuditLog.ok).toBe(true);
    // an inquiry cannot be changed or removed, even by SQL
    await expect(api.dataSource.query(`UPDATE inquiries SET purpose = 'MONITORING' WHERE id = (SELECT min(id) FROM inquiries)`)).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query('DELETE FROM inquiries WHERE id = (SELECT min(id) FROM inquiries)')).rejects.toThrow(/append-only/);
  });
});
