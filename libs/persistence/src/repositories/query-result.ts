/**
 * TypeORM's PostgreSQL driver answers `query()` with the rows for SELECT and INSERT, but
 * with `[rows, affectedCount]` for UPDATE and DELETE. Every UPDATE/DELETE ... RETURNING
 * goes through this, so a repository never reads the count as a row.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
