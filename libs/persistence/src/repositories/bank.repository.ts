import { ConflictError, type Bank } from '@app/domain';
import type { Db } from '../database';
import { isPgError, PgCode } from './pg-errors';

interface BankRow {
  id: string;
  name: string;
  created_at: Date;
}

const toBank = (r: BankRow): Bank => ({ id: r.id, name: r.name, createdAt: r.created_at });

export class BankRepository {
  async insert(db: Db, input: { name: string }): Promise<Bank> {
    try {
      const rows: BankRow[] = await db.query('INSERT INTO banks (name) VALUES ($1) RETURNING id, name, created_at', [input.name]);
      return toBank(rows[0]);
    } catch (error) {
      if (isPgError(error, PgCode.UNIQUE_VIOLATION)) throw new ConflictError(`A bank named "${input.name}" already exists`);
      throw error;
    }
  }

  async findById(db: Db, id: string): Promise<Bank | null> {
    const rows: BankRow[] = await db.query('SELECT id, name, created_at FROM banks WHERE id = $1', [id]);
    return rows[0] ? toBank(rows[0]) : null;
  }

  async findByIds(db: Db, ids: readonly string[]): Promise<Bank[]> {
    const rows: BankRow[] = await db.query('SELECT id, name, created_at FROM banks WHERE id = ANY($1::uuid[])', [ids]);
    return rows.map(toBank);
  }

  async findByName(db: Db, name: string): Promise<Bank | null> {
    const rows: BankRow[] = await db.query('SELECT id, name, created_at FROM banks WHERE name = $1', [name]);
    return rows[0] ? toBank(rows[0]) : null;
  }
}
