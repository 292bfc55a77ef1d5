import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { relayJobOptions } from './job-options';
import { ALL_JOB_NAMES, cappedBackoffDelay, JOBS, JobName, type JobPayloads } from './jobs';

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
