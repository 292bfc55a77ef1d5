import { ConflictError, type Company } from '@app/domain';
import type { Db } from '../database';
import { isPgError, PgCode } from './pg-errors';

interface CompanyRow {
  id: string;
  consortium_id: string;
  credit_code: string;
  name: string;
  joined_on: string;
  created_at: Date;
}

const COLUMNS = `id, consortium_id, credit_code, name, to_char(joined_on, 'YYYY-MM-DD') AS joined_on, created_at`;

const toCompany = (r: CompanyRow): Company => ({
  id: r.id,
  consortiumId: r.consortium_id,
  creditCode: r.credit_code,
  name: r.name,
  joinedOn: r.joined_on,
  createdAt: r.created_at,
});

export class CompanyRepository {
  async insert(db: Db, consortiumId: string, input: { creditCode: string; name: string; joinedOn?: string }): Promise<Company> {
    try {
      const rows: CompanyRow[] = await db.query(
        `INSERT INTO companies (consortium_id, credit_code, name, joined_on)
         VALUES ($1, $2, $3, coalesce($4::date, current_date)) RETURNING ${COLUMNS}`,
        [consortiumId, input.creditCode, input.name, input.joinedOn ?? null],
      );
      return toCompany(rows[0]);
    } catch (error) {
      if (isPgError(error, PgCode.UNIQUE_VIOLATION)) {
        throw new ConflictError(`A company with credit code ${input.creditCode} is already registered`, { field: 'input.creditCode' });
      }
      throw error;
    }
  }

  /** Many members at once (the demo and benchmark generator): one statement, ids given by the caller. */
  async insertMany(db: Db, consortiumId: string, companies: readonly { id: string; creditCode: string; name: string; joinedOn: string }[]): Promise<void> {
    if (companies.length === 0) return;
    await db.query(
      `INSERT INTO companies (id, consortium_id, credit_code, name, joined_on)
       SELECT id, $1, code, name, joined FROM unnest($2::uuid[], $3::text[], $4::text[], $5::date[]) AS c(id, code, name, joined)`,
      [consortiumId, companies.map((c) => c.id), companies.map((c) => c.creditCode), companies.map((c) => c.name), companies.map((c) => c.joinedOn)],
    );
  }

  async findById(db: Db, id: string): Promise<Company | null> {
    const rows: CompanyRow[] = await db.query(`SELECT ${COLUMNS} FROM companies WHERE id = $1`, [id]);
    return rows[0] ? toCompany(rows[0]) : null;
  }

  async findByIds(db: Db, ids: readonly string[]): Promise<Company[]> {
    const rows: CompanyRow[] = await db.query(`SELECT ${COLUMNS} FROM companies WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map(toCompany);
  }

  async findByCreditCode(db: Db, creditCode: string): Promise<Company | null> {
    const rows: CompanyRow[] = await db.query(`SELECT ${COLUMNS} FROM companies WHERE credit_code = $1`, [creditCode]);
    return rows[0] ? toCompany(rows[0]) : null;
  }

  /** A company's consortium, or null when there is no such company. */
  async consortiumOf(db: Db, id: string): Promise<string | null> {
    const rows: { consortium_id: string }[] = await db.query('SELECT consortium_id FROM companies WHERE id = $1', [id]);
    return rows[0]?.consortium_id ?? null;
  }

  /** The ids of one consortium's members, in id order. */
  async idsOfConsortium(db: Db, consortiumId: string): Promise<string[]> {
    const rows: { id: string }[] = await db.query('SELECT id FROM companies WHERE consortium_id = $1 ORDER BY id', [consortiumId]);
    return rows.map((r) => r.id);
  }

  /** Locks the companies' rows (FOR NO KEY UPDATE, in id order so that two lockers never deadlock): those that exist, with their consortium. */
  async lockMany(db: Db, ids: readonly string[]): Promise<{ id: string; consortiumId: string }[]> {
    if (ids.length === 0) return [];
    const rows: { id: string; consortium_id: string }[] = await db.query(
      'SELECT id, consortium_id FROM companies WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
      [[...new Set(ids)]],
    );
    return rows.map((r) => ({ id: r.id, consortiumId: r.consortium_id }));
  }

  /** The members of one consortium, by name (names compare as stored, UTF-8). */
  async listByConsortium(db: Db, consortiumId: string): Promise<Company[]> {
    const rows: CompanyRow[] = await db.query(`SELECT ${COLUMNS} FROM companies WHERE consortium_id = $1 ORDER BY name, id`, [consortiumId]);
    return rows.map(toCompany);
  }

  /** Members of many consortia at once, for a DataLoader. */
  async listByConsortia(db: Db, consortiumIds: readonly string[]): Promise<Company[]> {
    const rows: CompanyRow[] = await db.query(
      `SELECT ${COLUMNS} FROM companies WHERE consortium_id = ANY($1::uuid[]) ORDER BY name, id`,
      [consortiumIds],
    );
    return rows.map(toCompany);
  }
}
