import type { Db } from '../database';

/**
 * Runs a hot statement as a named prepared statement: pg parses and plans it once per
 * pooled connection (PostgreSQL then reuses a generic plan), where an unnamed query is
 * planned on every call. TypeORM's `query` hands its first argument to pg untouched, so a
 * pg query config passes through; its type says string, hence the cast. Use it only for
 * statements on the hot path whose planning costs more than their execution.
 */
export async function preparedQuery<T>(db: Db, name: string, text: string, parameters: unknown[]): Promise<T[]> {
  return (await db.query({ name, text } as unknown as string, parameters)) as T[];
}
