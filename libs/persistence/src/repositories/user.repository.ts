import { ConflictError, type Role, type User } from '@app/domain';
import type { Db } from '../database';
import { isPgError, PgCode } from './pg-errors';
import { preparedQuery } from './prepared-query';

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  company_id: string | null;
  consortium_id: string | null;
  bank_id: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

/** A member's consortium is its company's: resolved here so callers see one field. */
const SELECT = `
  SELECT u.id, u.email, u.password_hash, u.role, u.company_id,
         coalesce(u.consortium_id, c.consortium_id) AS consortium_id,
         u.bank_id, u.created_at, u.disabled_at
  FROM users u LEFT JOIN companies c ON c.id = u.company_id`;

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  role: r.role,
  companyId: r.company_id,
  consortiumId: r.consortium_id,
  bankId: r.bank_id,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

export interface NewUser {
  readonly email: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly companyId: string | null;
  readonly consortiumId: string | null;
  readonly bankId: string | null;
}

export class UserRepository {
  async insert(db: Db, user: NewUser): Promise<User> {
    try {
      const rows: { id: string }[] = await db.query(
        `INSERT INTO users (email, password_hash, role, company_id, consortium_id, bank_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [user.email, user.passwordHash, user.role, user.companyId, user.role === 'COORDINATOR' ? user.consortiumId : null, user.bankId],
      );
      return (await this.findById(db, rows[0].id)) as User;
    } catch (error) {
      if (isPgError(error, PgCode.UNIQUE_VIOLATION)) throw new ConflictError('A user with this email already exists', { field: 'input.email' });
      throw error;
    }
  }

  /** On the hot path of `me` and every resolver that names its caller: a prepared statement. */
  async findById(db: Db, id: string): Promise<User | null> {
    const rows = await preparedQuery<UserRow>(db, 'user-by-id', `${SELECT} WHERE u.id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Many users by id, in one prepared statement (the API's coalesced reads). */
  async findByIds(db: Db, ids: readonly string[]): Promise<Map<string, User>> {
    if (ids.length === 0) return new Map();
    const rows = await preparedQuery<UserRow>(db, 'users-by-ids', `${SELECT} WHERE u.id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, toUser(r)]));
  }

  /** For sign-in only: the user with its password hash. */
  async findCredentials(db: Db, email: string): Promise<{ user: User; passwordHash: string } | null> {
    const rows: UserRow[] = await db.query(`${SELECT} WHERE lower(u.email) = lower($1)`, [email]);
    return rows[0] ? { user: toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  async updatePasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
    await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
  }

  /** Serialises creating the bootstrap ADMIN (API instances starting together): an advisory lock held until the transaction ends. */
  async lockAdminBootstrap(db: Db): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock(7312004003)');
  }

  async countAdmins(db: Db): Promise<number> {
    const rows: { n: string }[] = await db.query(`SELECT count(*) AS n FROM users WHERE role = 'ADMIN'`);
    return Number(rows[0].n);
  }
}
