import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factories, openTestDataSource, withOwnConnections } from '@app/testing';
import type { DataSource } from 'typeorm';
import { type Db, inOneSnapshot } from './database';

describe('inOneSnapshot: statements on several connections reading the same data', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await openTestDataSource();
  });
  afterAll(async () => ds.destroy());

  const count = async (db: Db, consortiumId: string): Promise<number> =>
    ((await db.query('SELECT count(*)::int AS n FROM companies WHERE consortium_id = $1', [consortiumId])) as { n: number }[])[0].n;

  it('gives every connection the first one\'s snapshot: a row committed meanwhile is seen by none', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    await f.company(consortium.id);
    const seen = await withOwnConnections(ds, 2, ([first, second]) =>
      inOneSnapshot([first, second], async () => {
        const before = await count(first, consortium.id);
        await f.company(consortium.id); // committed by a third connection, after the snapshot
        return [before, await count(second, consortium.id), await count(first, consortium.id)];
      }),
    );
    expect(seen).toEqual([1, 1, 1]);
    expect(await count(ds.manager, consortium.id)).toBe(2);
  });

  it('commits every connection\'s writes together, or rolls them all back when the work fails', async () => {
    const consortium = await new Factories(ds).consortium();
    const add = (db: Db, code: string) =>
      db.query(`INSERT INTO companies (consortium_id, credit_code, name) VALUES ($1, $2, 'snapshot test')`, [consortium.id, code]);
    const prefix = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    const code = (n: number) => `${prefix}${String(n).padStart(2, '0')}`;
    await expect(
      withOwnConnections(ds, 2, ([first, second]) =>
        inOneSnapshot([first, second], async () => {
          await add(first, code(1));
          await add(second, code(2));
          throw new Error('failed on purpose');
        }),
      ),
    ).rejects.toThrow('failed on purpose');
    expect(await count(ds.manager, consortium.id)).toBe(0);
    await withOwnConnections(ds, 2, ([first, second]) =>
      inOneSnapshot([first, second], async () => {
        await add(first, code(3));
        await add(second, code(4));
      }),
    );
    expect(await count(ds.manager, consortium.id)).toBe(2);
  });

  it('refuses connections that are not its own (the pool\'s manager) or already in a transaction', async () => {
    await expect(inOneSnapshot([ds.manager], async () => undefined)).rejects.toThrow(RangeError);
    await expect(ds.transaction((tx) => inOneSnapshot([tx], async () => undefined))).rejects.toThrow(RangeError);
    await expect(inOneSnapshot([], async () => undefined)).rejects.toThrow(RangeError);
  });
});
