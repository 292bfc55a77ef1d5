import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { WebhookReplayGuard, signatureHeader, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'whsec_current';
const T0 = 1_795_000_000; // unix seconds; the clock is an argument, nothing sleeps

function delivery(eventId: number, signedAt: number, secret = SECRET): { header: string; body: string } {
  const body = JSON.stringify({ id: `evt_${eventId}`, type: 'rating.changed', data: { eventId: String(eventId) } });
  return { header: signatureHeader([secret], signedAt, body), body };
}

describe('verifyWebhookSignature', () => {
  it('accepts a genuine delivery and refuses a changed body, a wrong secret and a timestamp 301 s off', () => {
    const { header, body } = delivery(1, T0);
    expect(verifyWebhookSignature(header, body, SECRET, T0 + 300)).toEqual({ ok: true, timestamp: T0 });
    expect(verifyWebhookSignature(header, body.replace('evt_1', 'evt_2'), SECRET, T0)).toEqual({ ok: false, reason: 'no signature matches' });
    expect(verifyWebhookSignature(header, body, 'whsec_wrong', T0)).toEqual({ ok: false, reason: 'no signature matches' });
    expect(verifyWebhookSignature(header, body, SECRET, T0 + 301)).toEqual({ ok: false, reason: 'timestamp outside the tolerance' });
    expect(verifyWebhookSignature(header, body, SECRET, T0 - 301)).toEqual({ ok: false, reason: 'timestamp outside the tolerance' });
  });

  it('accepts either secret while a rotated one is still honoured (two v1 values)', () => {
    const body = delivery(1, T0).body;
    const header = signatureHeader(['whsec_old', 'whsec_new'], T0, body);
    expect(verifyWebhookSignature(header, body, 'whsec_old', T0).ok).toBe(true);
    expect(verifyWebhookSignature(header, body, 'whsec_new', T0).ok).toBe(true);
    expect(verifyWebhookSignature(header, body, SECRET, T0).ok).toBe(false);
  });
});

describe('WebhookReplayGuard', () => {
  it('accepts a genuine delivery once and refuses the same delivery again as a replay', () => {
    const guard = new WebhookReplayGuard();
    const { header, body } = delivery(1, T0);
    expect(guard.verify(header, body, SECRET, T0)).toEqual({ ok: true, timestamp: T0 });
    expect(guard.verify(header, body, SECRET, T0 + 1)).toEqual({ ok: false, reason: 'replayed delivery' });
    expect(guard.verify(header, body, SECRET, T0 + 300)).toEqual({ ok: false, reason: 'replayed delivery' });
    expect(guard.verify(header, body, SECRET, T0 + 301)).toEqual({ ok: false, reason: 'timestamp outside the tolerance' });
  });

  it("accepts the sender's retry of a delivery, signed afresh: only the same signed bytes are a replay", () => {
    const guard = new WebhookReplayGuard();
    const first = delivery(1, T0);
    expect(guard.verify(first.header, first.body, SECRET, T0).ok).toBe(true);
    // same body, same delivery header, a new timestamp: what the worker sends 30 s later
    const retry = delivery(1, T0 + 30);
    expect(guard.verify(retry.header, retry.body, SECRET, T0 + 30)).toEqual({ ok: true, timestamp: T0 + 30 });
  });

  it('does not let a forged delivery use up a genuine one', () => {
    const guard = new WebhookReplayGuard();
    const genuine = delivery(1, T0);
    const forgedSignature = genuine.header.replace(/v1=[0-9a-f]{64}/, `v1=${'0'.repeat(64)}`);
    const wrongSecret = delivery(1, T0, 'whsec_attacker');
    expect(guard.verify(forgedSignature, genuine.body, SECRET, T0)).toEqual({ ok: false, reason: 'no signature matches' });
    expect(guard.verify(wrongSecret.header, wrongSecret.body, SECRET, T0)).toEqual({ ok: false, reason: 'no signature matches' });
    expect(guard.verify(genuine.header, genuine.body.replace('evt_1', 'evt_9'), SECRET, T0).ok).toBe(false);
    expect(guard.size).toBe(0);
    expect(guard.verify(genuine.header, genuine.body, SECRET, T0 + 1)).toEqual({ ok: true, timestamp: T0 });
    expect(guard.size).toBe(1);
  });

  it('forgets a delivery once its timestamp is past the tolerance, and stays under its cap over hours of deliveries', () => {
    const guard = new WebhookReplayGuard(300, 1_000);
    const early = delivery(0, T0);
    expect(guard.verify(early.header, early.body, SECRET, T0).ok).toBe(true);
    const atEdge = delivery(1, T0 + 300);
    expect(guard.verify(atEdge.header, atEdge.body, SECRET, T0 + 300).ok).toBe(true);
    expect(guard.size).toBe(2);
    const past = delivery(2, T0 + 301);
    expect(guard.verify(past.header, past.body, SECRET, T0 + 301).ok).toBe(true);
    expect(guard.size).toBe(2); // the first is forgotten: from now on its timestamp alone refuses it
    // two deliveries a second for an hour of simulated time
    let largest = 0;
    for (let second = 302; second <= 3_900; second += 1) {
      for (const n of [0, 1]) {
        const d = delivery(second * 2 + n, T0 + second);
        expect(guard.verify(d.header, d.body, SECRET, T0 + second).ok).toBe(true);
      }
      largest = Math.max(largest, guard.size);
    }
    expect(largest).toBe(602); // the timestamps now - 300 .. now, 301 seconds x 2
    expect(largest).toBeLessThan(guard.maxEntries);
  });

  it('refuses new deliveries at its cap rather than forget one that could be replayed', () => {
    const guard = new WebhookReplayGuard(300, 3);
    for (const eventId of [1, 2, 3]) {
      const d = delivery(eventId, T0);
      expect(guard.verify(d.header, d.body, SECRET, T0).ok).toBe(true);
    }
    const fourth = delivery(4, T0 + 10);
    expect(guard.verify(fourth.header, fourth.body, SECRET, T0 + 10)).toEqual({ ok: false, reason: 'too many deliveries to remember' });
    const replay = delivery(1, T0);
    expect(guard.verify(replay.header, replay.body, SECRET, T0 + 10)).toEqual({ ok: false, reason: 'replayed delivery' });
    expect(guard.size).toBe(3);
    // once the first three are past the tolerance, room again (the sender's retry is signed afresh)
    const retried = delivery(4, T0 + 301);
    expect(guard.verify(retried.header, retried.body, SECRET, T0 + 301).ok).toBe(true);
    expect(guard.size).toBe(1);
  });

  it('accepts each signed delivery at most once, and every fresh genuine one, for any sequence of deliveries', () => {
    const tolerance = 20;
    const step = fc.record({
      eventId: fc.integer({ min: 1, max: 4 }),
      signedAgo: fc.integer({ min: -2 * tolerance, max: 2 * tolerance }), // negative: signed ahead of the receiver's clock
      forged: fc.boolean(),
      wait: fc.integer({ min: 0, max: 15 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (steps, maxEntries) => {
        const guard = new WebhookReplayGuard(tolerance, maxEntries);
        const accepted = new Map<string, number>(); // key -> timestamp, never forgotten
        let now = T0;
        for (const { eventId, signedAgo, forged, wait } of steps) {
          now += wait;
          const signedAt = now - signedAgo;
          const { header, body } = delivery(eventId, signedAt, forged ? 'whsec_attacker' : SECRET);
          const key = `${signedAt}/${eventId}`;
          const live = [...accepted.values()].filter((t) => t + tolerance >= now).length;
          const fresh = Math.abs(signedAgo) <= tolerance;
          const expected = !forged && fresh && !accepted.has(key) && live < maxEntries;
          expect(guard.verify(header, body, SECRET, now).ok).toBe(expected);
          if (expected) accepted.set(key, signedAt);
          expect(guard.size).toBeLessThanOrEqual(maxEntries);
          // an accepted delivery has swept the expired ones first (a refused one may not have)
          expect(guard.size).toBeLessThanOrEqual(expected ? live + 1 : maxEntries);
        }
      }),
      { numRuns: 300 },
    );
  });
});
