import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordKind } from '@app/domain';
import { RecordLedgerRepository, ScoringInputRepository } from '@app/persistence';
import type { DataSource } from 'typeorm';
import { openTestDataSource } from '../database';
import { ClusterGenerator, type ClusterSink, type GeneratedCompany, generateCluster } from './cluster-generator';

/** Collects what a run would write, to compare runs. */
class CollectingSink implements ClusterSink {
  readonly rows: unknown[] = [];
  async companies(_consortiumId: string, companies: readonly GeneratedCompany[]): Promise<void> {
    this.rows.push(...companies);
  }
  async versions(kind: RecordKind, _batchId: string, versions: readonly unknown[]): Promise<number> {
    this.rows.push(...versions.map((v) => ({ kind, v })));
    return versions.length;
  }
}

describe('the demo cluster generator', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await openTestDataSource();
  });
  afterAll(async () => ds.destroy());

  it('is deterministic for a seed', async () => {
    const run = async (seed: number) => {
      const sink = new CollectingSink();
      await new ClusterGenerator(null, { seed, members: 25, asOf: '2025-06-30', consortiumId: '00000000-0000-4000-8000-000000000001', bankId: '00000000-0000-4000-8000-000000000002' }, sink).generate();
      return JSON.stringify(sink.rows);
    };
    const first = await run(7);
    expect(await run(7)).toBe(first);
    expect(await run(8)).not.toBe(first);
  });

  it('writes a realistic cluster whose every record the ledger check accepts and the scoring loader reads', async () => {
    const cluster = await generateCluster(ds, { seed: 42, members: 80, asOf: '2025-06-30', years: 2 });
    const counts = cluster.counts;
    for (const kind of ['TRADE_EXPERIENCE', 'FINANCIAL_STATEMENT', 'PAYMENT_RECORD', 'TAX_CREDIT_GRADE', 'LOAN_RECORD', 'PUBLIC_RECORD', 'GUARANTEE', 'SOFT_SIGNAL'] as const) {
      expect(counts[kind] ?? 0).toBeGreaterThan(0);
    }
    const byQuality = (q: string) => cluster.companies.filter((c) => c.quality === q).length;
    expect(byQuality('SOUND')).toBeGreaterThan(byQuality('DRIFTING'));
    expect(byQuality('DRIFTING')).toBeGreaterThan(0);
    expect(byQuality('FAILING')).toBeGreaterThan(0);

    const ledger = await new RecordLedgerRepository().verify(ds.manager, { consortiumId: cluster.consortiumId });
    expect(ledger.problems).toEqual([]);
    expect(ledger.versionsChecked).toBe(Object.values(counts).reduce((a, b) => a + (b ?? 0), 0));

    const inputs = await new ScoringInputRepository().loadScoringInputs(
      ds.manager,
      cluster.companies.map((c) => c.id),
      '2025-06-30',
    );
    expect(inputs.size).toBe(80);
    // failing members pay later than sound ones (amount-weighted days beyond terms of paid invoices)
    const lateness = (quality: string): number => {
      let weighted = 0;
      let total = 0;
      for (const c of cluster.companies.filter((x) => x.quality === quality)) {
        for (const t of inputs.get(c.id)?.tradeExperiences ?? []) {
          if (!t.paidDate) continue;
          weighted += t.amount * ((Date.parse(t.paidDate) - Date.parse(t.dueDate)) / 86_400_000);
          total += t.amount;
        }
      }
      return weighted / total;
    };
    expect(lateness('SOUND')).toBeLessThan(5);
    expect(lateness('FAILING')).toBeGreaterThan(lateness('DRIFTING'));
    expect(lateness('DRIFTING')).toBeGreaterThan(lateness('SOUND'));
    const statements = [...inputs.values()].flatMap((i) => i.financialStatements);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(s.totalAssets).toBeGreaterThan(0);
  });
});
