import type { TradeMatchOutcome } from '@app/domain';
import type { Db } from '../database';

export interface TradeMatch {
  readonly supplierRecordId: string;
  readonly supplierVersion: number;
  readonly buyerRecordId: string;
  readonly buyerVersion: number;
  readonly outcome: TradeMatchOutcome;
  readonly differences: readonly string[];
  readonly at: Date;
}

/** The comparisons of the two sides of an invoice: the supplier's receivable and the buyer's payable. */
export class TradeMatchRepository {
  async insert(db: Db, m: TradeMatch): Promise<void> {
    await db.query(
      `INSERT INTO trade_matches (supplier_record_id, supplier_version, buyer_record_id, buyer_version, outcome, differences, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [m.supplierRecordId, m.supplierVersion, m.buyerRecordId, m.buyerVersion, m.outcome, m.differences, m.at],
    );
  }

  /** The latest comparison of each version named (either side), keyed `recordId:version`. */
  async latestFor(db: Db, versions: readonly { recordId: string; version: number }[]): Promise<Map<string, TradeMatch>> {
    if (versions.length === 0) return new Map();
    const rows: {
      key: string;
      supplier_record_id: string;
      supplier_version: number;
      buyer_record_id: string;
      buyer_version: number;
      outcome: TradeMatchOutcome;
      differences: string[];
      at: Date;
    }[] = await db.query(
      `SELECT DISTINCT ON (want.record_id, want.version) want.record_id || ':' || want.version AS key, m.*
       FROM unnest($1::uuid[], $2::int[]) AS want(record_id, version)
       JOIN trade_matches m ON (m.supplier_record_id = want.record_id AND m.supplier_version = want.version)
                            OR (m.buyer_record_id = want.record_id AND m.buyer_version = want.version)
       ORDER BY want.record_id, want.version, m.id DESC`,
      [versions.map((v) => v.recordId), versions.map((v) => v.version)],
    );
    return new Map(
      rows.map((r) => [
        r.key,
        {
          supplierRecordId: r.supplier_record_id,
          supplierVersion: r.supplier_version,
          buyerRecordId: r.buyer_record_id,
          buyerVersion: r.buyer_version,
          outcome: r.outcome,
          differences: r.differences,
          at: r.at,
        },
      ]),
    );
  }
}
