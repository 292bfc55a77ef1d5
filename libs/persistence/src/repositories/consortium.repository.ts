import { ConflictError, type Consortium } from '@app/domain';
import type { Db } from '../database';
import { isPgError, PgCode } from './pg-errors';

interface ConsortiumRow {
  id: string;
  name: string;
  region: string;
  industry: string;
  created_at: Date;
}

const toConsortium = (r: ConsortiumRow): Consortium => ({ id: r.id, name: r.name, region: r.region, industry: r.industry, createdAt: r.created_at });

export class ConsortiumRepository {
  async insert(db: Db, input: { name: string; region: string; industry: string }): Promise<Consortium> {
    try {
      const rows: ConsortiumRow[] = await db.query(
        'INSERT INTO consortia (name, region, industry) VALUES ($1, $2, $3) RETURNING *',
        [input.name, input.region, input.industry],
      );
      return toConsortium(rows[0]);
    } catch (error) {
      if (isPgError(error, PgCode.UNIQUE_VIOLATION)) throw new ConflictError(`A consortium named "${input.name}" already exists`);
      throw error;
    }
  }

  async findById(db: Db, id: string): Promise<Consortium | null> {
    const rows: ConsortiumRow[] = await db.query('SELECT * FROM consortia WHERE id = $1', [id]);
    return rows[0] ? toConsortium(rows[0]) : null;
  }

  async findByIds(db: Db, ids: readonly string[]): Promise<Consortium[]> {
    const rows: ConsortiumRow[] = await db.query('SELECT * FROM consortia WHERE id = ANY($1::uuid[])', [ids]);
    return rows.map(toConsortium);
  }

  async findByName(db: Db, name: string): Promise<Consortium | null> {
    const rows: ConsortiumRow[] = await db.query('SELECT * FROM consortia WHERE name = $1', [name]);
    return rows[0] ? toConsortium(rows[0]) : null;
  }

  async list(db: Db): Promise<Consortium[]> {
    const rows: ConsortiumRow[] = await db.query('SELECT * FROM consortia ORDER BY name');
    return rows.map(toConsortium);
  }

  /** Every consortium's id, in id order. */
  async allIds(db: Db): Promise<string[]> {
    const rows: { id: string }[] = await db.query('SELECT id FROM consortia ORDER BY id');
    return rows.map((r) => r.id);
  }

  /** Locks one consortium's row (FOR NO KEY UPDATE) until the transaction ends: one change to it at a time; members can still be added. */
  async lockForUpdate(db: Db, id: string): Promise<void> {
    await db.query('SELECT id FROM consortia WHERE id = $1 FOR NO KEY UPDATE', [id]);
  }
}
