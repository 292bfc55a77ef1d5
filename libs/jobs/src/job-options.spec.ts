import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { relayJobOptions } from './job-options';
import { ALL_JOB_NAMES, cappedBackoffDelay, JOBS, JobName, jobBackoffDelay, type JobPayloads } from './jobs';

const payloadOf = (name: JobName, id: string): JobPayloads[JobName] =>
  ({
    [JobName.RECOMPUTE_COMPANY]: { companyId: id, reason: 'test' },
    [JobName.RECOMPUTE_STANDING]: { consortiumId: id },
    [JobName.FULL_RECOMPUTE]: { runId: id, lane: 1 },
    [JobName.START_FULL_RECOMPUTE]: { trigger: 'SCHEDULE' },
    [JobName.IMPORT_RECORDS]: { importId: id },
    [JobName.DISPUTE_DEADLINE]: { recordId: id, stage: 'alert' },
    [JobName.DAILY_MAINTENANCE]: { day: '2026-11-28' },
    [JobName.RATING_CHANGED]: { eventId: id },
    [JobName.DELIVER_WEBHOOK]: { deliveryId: id },
  })[name] as JobPayloads[JobName];

describe('the options of a relayed outbox row', () => {
  it('dedupe by the job\'s own id (one waiting, one running) or, without one, by the outbox row: a row relayed twice is one job', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_JOB_NAMES), fc.uuid(), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: -10_000, max: 10_000_000 }), (name, id, row, delay) => {
        const options = relayJobOptions(name, payloadOf(name, id), String(row), delay);
        const spec = JOBS[name];
        expect(options.attempts).toBe(spec.attempts);
        expect(options.backoff).toEqual({ type: spec.backoffCapMs ? 'capped' : 'exponential', delay: spec.backoffMs });
        // never negative, never shorter than the debounce, never sooner than asked
        expect(options.delay).toBeGreaterThanOrEqual(Math.max(0, spec.debounceMs ?? 0));
        expect(options.delay).toBeGreaterThanOrEqual(Math.round(delay));
        if (spec.dedupId) {
          expect(options.deduplication).toEqual({ id: (spec.dedupId as (p: unknown) => string)(payloadOf(name, id)), keepLastIfActive: true });
          expect(options.jobId).toBeUndefined();
        } else {
          expect(options.jobId).toBe(`outbox-${row}`);
          expect(options.deduplication).toBeUndefined();
        }
      }),
    );
  });

  it('back off exponentially up to the cap, then at the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 600_000 }), (attempt, seed, cap) => {
        const delay = cappedBackoffDelay(attempt, seed, cap);
        expect(delay).toBeLessThanOrEqual(cap);
        expect(delay).toBe(Math.min(cap, seed * 2 ** Math.min(30, attempt - 1)));
        expect(cappedBackoffDelay(attempt + 1, seed, cap)).toBeGreaterThanOrEqual(delay);
      }),
    );
    expect([1, 2, 3, 4, 5, 6, 30].map((n) => cappedBackoffDelay(n, 1_000, 15_000))).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it('give one company one deduplication id, whatever the reason', () => {
    const a = relayJobOptions(JobName.RECOMPUTE_COMPANY, { companyId: 'c1', reason: 'record.confirmed' }, '1', 0);
    const b = relayJobOptions(JobName.RECOMPUTE_COMPANY, { companyId: 'c1', reason: 'network' }, '2', 0);
    expect(a.deduplication?.id).toBe(b.deduplication?.id);
    expect(relayJobOptions(JobName.RECOMPUTE_COMPANY, { companyId: 'c2', reason: 'network' }, '3', 0).deduplication?.id).not.toBe(a.deduplication?.id);
  });
});

describe('the backoff of webhook deliveries', () => {
  const spec = JOBS[JobName.DELIVER_WEBHOOK];
  const SIX_HOURS = 6 * 3_600_000;
  const job = (seed: number) => ({ name: JobName.DELIVER_WEBHOOK, opts: { backoff: { type: 'capped', delay: seed } } });

  it('is capped: whatever WEBHOOK_BACKOFF_MS (1 ms to 1 h) and however many of the 50 WEBHOOK_ATTEMPTS, no wait exceeds 6 hours', () => {
    expect(spec.backoffCapMs).toBe(SIX_HOURS);
    expect(relayJobOptions(JobName.DELIVER_WEBHOOK, { deliveryId: 'd' }, '1', 0).backoff.type).toBe('capped');
    for (const seed of [1, 30_000, 3_600_000]) {
      for (let attemptsMade = 1; attemptsMade <= 50; attemptsMade++) {
        const wait = jobBackoffDelay(attemptsMade, 'capped', job(seed));
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(SIX_HOURS);
      }
    }
    expect(jobBackoffDelay(49, 'capped', job(30_000))).toBe(SIX_HOURS);
  });

  it('takes the seed the job was enqueued with (WEBHOOK_BACKOFF_MS), and its JOBS seed without one', () => {
    expect([1, 2, 3].map((n) => jobBackoffDelay(n, 'capped', job(150)))).toEqual([150, 300, 600]);
    expect(jobBackoffDelay(2, 'capped', { name: JobName.DELIVER_WEBHOOK })).toBe(2 * spec.backoffMs);
    expect(jobBackoffDelay(2, 'exponential', job(150))).toBe(0);
  });

  it('by default (12 attempts from 30 s) waits 30 s ... 4 h 16 min, then 6 h: the last retry about 14.5 hours after the first attempt, as docs/bank-access.md says', () => {
    const waits = Array.from({ length: spec.attempts - 1 }, (_, i) => jobBackoffDelay(i + 1, 'capped', job(30_000)));
    expect(waits[0]).toBe(30_000);
    expect(waits[9]).toBe(30_000 * 512); // 4 h 16 min
    expect(waits[10]).toBe(SIX_HOURS);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBe(30_000 * (2 ** 10 - 1) + SIX_HOURS);
    expect(total / 3_600_000).toBeCloseTo(14.5, 1);
  });
});
