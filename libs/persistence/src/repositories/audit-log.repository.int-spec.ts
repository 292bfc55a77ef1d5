import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testConfig } from '@app/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../database';
import { migrate } from '../migrate';
import { AuditLogRepository } from './audit-log.repository';

/**
 * Anchor scenario 28 (concurrent appends): many writers appending to the tamper-evident log
 * at once, each entry in its own transaction as the services do, must leave one chain: a
 * gapless `seq`, every `prev_hash` used once, no fork. A database of its own, so the chain
 * holds this test's entries only (other suites alter entries on purpose while they run).
 */

const WRITERS = 50;
const ENTRIES_EACH = 100;

describe('audit log: 50 writers appending at once (real PostgreSQL)', () => {
  const base = new URL(testConfig().databaseUrl);
  const database = `${base.pathname.slice(1)}_audit_${randomUUID().slice(0, 8)}`;
  const url = new URL(base.toString());
  url.pathname = `/${database}`;
  let ds: DataSource;
  const audit = new AuditLogRepository();

  beforeAll(async () => {
    await migrate({ databaseUrl: url.toString(), dbPoolSize: 2 });
    ds = createDataSource({ databaseUrl: url.toString(), dbPoolSize: 20 }, 'audit-append-int-spec');
    await ds.initialize();
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    const admin = new URL(base.toString());
    admin.pathname = '/postgres';
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it(`${WRITERS} writers x ${ENTRIES_EACH} entries, each in its own transaction: one gapless chain, no fork, every entry once`, async () => {
    const actorId = randomUUID();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let i = 0; i < ENTRIES_EACH; i += 1) {
          // every fourth append carries two entries, as a service's transaction may
          const entries = [{ action: 'test.append', actorId, details: { writer, i } }];
          if (i % 4 === 0) entries.push({ action: 'test.append.second', actorId, details: { writer, i } });
          await ds.transaction((tx) => audit.append(tx, entries, new Date()));
        }
      }),
    );
    const total = WRITERS * ENTRIES_EACH + WRITERS * Math.ceil(ENTRIES_EACH / 4);

    const [shape] = await ds.query(
      `SELECT count(*)::int AS n, min(seq)::int AS first, max(seq)::int AS last,
              count(DISTINCT prev_hash)::int AS links, count(DISTINCT hash)::int AS hashes
       FROM audit_log`,
    );
    expect(shape).toEqual({ n: total, first: 1, last: total, links: total, hashes: total });
    // every writer's every entry, exactly once
    const [entries] = await ds.query(
      `SELECT count(DISTINCT (content::jsonb -> 'details' ->> 'writer', content::jsonb -> 'details' ->> 'i', action))::int AS distinct_entries
       FROM audit_log`,
    );
    expect(entries.distinct_entries).toBe(total);
    // and the chain verifies from the first entry to the last
    const verified = await audit.verify(ds.manager, { batchSize: 1_000 });
    expect(verified).toMatchObject({ ok: true, checked: total, firstBrokenSeq: null, headSeq: total });
  }, 120_000);
});
