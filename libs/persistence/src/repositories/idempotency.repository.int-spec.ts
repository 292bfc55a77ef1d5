import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openTestDataSource } from '@app/testing';
import type { DataSource } from 'typeorm';
import { IDEMPOTENCY_RETENTION_HOURS, IdempotencyRepository } from './idempotency.repository';

describe('idempotency keys over time (real PostgreSQL, the clock passed in)', () => {
  let ds: DataSource;
  const keys = new IdempotencyRepository();
  const T = new Date('2026-06-01T08:00:00Z');
  const later = (hours: number, seconds = 0) => new Date(T.getTime() + hours * 3_600_000 + seconds * 1000);
  const first = Buffer.from('first request');
  const other = Buffer.from('other request');

  beforeAll(async () => {
    ds = await openTestDataSource();
  });
  afterAll(async () => ds.destroy());

  it(`replays a key for ${IDEMPOTENCY_RETENTION_HOURS} hours, refuses other input under it, then takes it as new`, async () => {
    const actor = randomUUID();
    const key = 'invoice-2026-0001';
    expect(await keys.claim(ds.manager, actor, key, 'reportTradeExperience', first, T)).toEqual({ state: 'claimed' });
    await keys.complete(ds.manager, actor, key, { id: 'r1' });

    // within the window: the same request replays, other input is a mismatch, nothing changes
    const lastSecond = later(IDEMPOTENCY_RETENTION_HOURS, -1);
    expect(await keys.claim(ds.manager, actor, key, 'reportTradeExperience', first, lastSecond)).toEqual({ state: 'replay', result: { id: 'r1' } });
    expect(await keys.claim(ds.manager, actor, key, 'reportTradeExperience', other, lastSecond)).toEqual({ state: 'mismatch', operation: 'reportTradeExperience' });
    expect(await keys.claim(ds.manager, actor, key, 'fileLoanRecord', first, lastSecond)).toEqual({ state: 'mismatch', operation: 'reportTradeExperience' });
    // at exactly the window's end the key still holds
    expect((await keys.claim(ds.manager, actor, key, 'reportTradeExperience', other, later(IDEMPOTENCY_RETENTION_HOURS))).state).toBe('mismatch');

    // past it: the key is new, for any input, and from then on replays the new answer
    const past = later(IDEMPOTENCY_RETENTION_HOURS, 1);
    expect(await keys.claim(ds.manager, actor, key, 'reportTradeExperience', other, past)).toEqual({ state: 'claimed' });
    await keys.complete(ds.manager, actor, key, { id: 'r2' });
    expect(await keys.claim(ds.manager, actor, key, 'reportTradeExperience', other, later(IDEMPOTENCY_RETENTION_HOURS + 1))).toEqual({ state: 'replay', result: { id: 'r2' } });
    expect((await keys.claim(ds.manager, actor, key, 'reportTradeExperience', first, later(IDEMPOTENCY_RETENTION_HOURS + 1))).state).toBe('mismatch');
  });

  it("keeps each caller's keys apart, whatever their age", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect((await keys.claim(ds.manager, a, 'k', 'op', first, T)).state).toBe('claimed');
    expect((await keys.claim(ds.manager, b, 'k', 'op', other, later(1))).state).toBe('claimed');
    const rows: { n: string }[] = await ds.query('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1 AND actor_id = ANY($2::uuid[])', ['k', [a, b]]);
    expect(rows[0].n).toBe('2');
  });
});
