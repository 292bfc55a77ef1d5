/**
 * Domain errors carry one of the contract's codes; the API maps each to
 * `extensions.code` (apps/api/src/graphql/error-format.ts), exhaustively.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** extra, safe-to-show details for `extensions` */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = ErrorCode.UNAUTHENTICATED;
}

export class ForbiddenError extends DomainError {
  readonly code = ErrorCode.FORBIDDEN;
}

/** Invalid input. `field` is the input path at fault, e.g. `input.creditCode`. */
export class BadInputError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor(
    readonly field: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { ...details, field });
  }
}

export class NotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
}

export class ConflictError extends DomainError {
  readonly code = ErrorCode.CONFLICT;
}
