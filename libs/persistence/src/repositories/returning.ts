import type { Db } from '../database';

/**
 * The rows of an UPDATE or DELETE ... RETURNING. TypeORM answers those two commands with
 * `[rows, affectedCount]` instead of the rows (PostgresQueryRunner), unlike SELECT and INSERT.
 */
export async function returningRows<T>(db: Db, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: unknown = await db.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
