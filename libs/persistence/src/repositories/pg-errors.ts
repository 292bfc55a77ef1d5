/** PostgreSQL error codes the repositories translate into domain errors. */
export const PgCode = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
} as const;

export interface PgError {
  readonly code: string;
  readonly constraint?: string;
}

export function isPgError(error: unknown, code?: string): error is PgError {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const actual = candidate?.code ?? candidate?.driverError?.code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}
