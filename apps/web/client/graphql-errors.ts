/**
 * GraphQL errors in words. The API answers every failure with `extensions.code` (the
 * contract's five, plus INTERNAL_SERVER_ERROR with a reference); the console shows each
 * as a sentence in Chinese with the server's own English message beside it, and
 * BAD_USER_INPUT next to the field that `extensions.field` names. Never a stack trace: the
 * API sends none, and anything that is not a GraphQL answer is described, not shown.
 */
export interface GraphQLErrorShape {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly field?: string; readonly [key: string]: unknown };
}

export type ErrorKind =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** the server does not have this operation (yet): its schema does not know the field */
  | 'NOT_AVAILABLE'
  /** the API or the network cannot be reached */
  | 'UNAVAILABLE'
  | 'INTERNAL';

const WORDS: Readonly<Record<ErrorKind, { readonly zh: string; readonly en: string }>> = {
  UNAUTHENTICATED: { zh: '登录已失效，请重新登录', en: 'Please sign in again' },
  FORBIDDEN: { zh: '您没有权限执行此操作', en: 'Not allowed' },
  BAD_USER_INPUT: { zh: '输入有误，请检查后重试', en: 'Please check the input' },
  NOT_FOUND: { zh: '未找到该对象', en: 'Not found' },
  CONFLICT: { zh: '该操作与当前状态冲突', en: 'Conflicts with the current state' },
  NOT_AVAILABLE: { zh: '服务器尚未提供此功能', en: 'Not available on this server yet' },
  UNAVAILABLE: { zh: '暂时无法连接服务器，请稍后重试', en: 'The service cannot be reached' },
  INTERNAL: { zh: '服务器出错，请稍后重试', en: 'Server error' },
};

/** GraphQL validation of a field or argument the server's schema does not have. */
const UNKNOWN_TO_SCHEMA = /^(Cannot query field|Unknown argument|Unknown type|Unknown enum value)|is not defined by type/;

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** the server's own message (English), safe to show */
    readonly detail: string,
    /** BAD_USER_INPUT: the input path at fault, e.g. `input.creditCode` */
    readonly field: string | null = null,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${WORDS[kind].zh} (${WORDS[kind].en})${detail ? `: ${detail}` : ''}`);
    this.name = 'ApiError';
  }

  /** The Chinese sentence for this kind of error. */
  get title(): string {
    return WORDS[this.kind].zh;
  }

  /** The English label for this kind of error. */
  get titleEn(): string {
    return WORDS[this.kind].en;
  }
}

/** One GraphQL error as an ApiError. */
export function toApiError(error: GraphQLErrorShape): ApiError {
  const ext = error.extensions ?? {};
  const message = typeof error.message === 'string' ? error.message.slice(0, 500) : '';
  const code = typeof ext.code === 'string' ? ext.code : '';
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'CONFLICT':
      return new ApiError(code, message, null, ext);
    case 'BAD_USER_INPUT':
    case 'GRAPHQL_VALIDATION_FAILED':
      if (UNKNOWN_TO_SCHEMA.test(message)) return new ApiError('NOT_AVAILABLE', message, null, ext);
      return new ApiError('BAD_USER_INPUT', message, typeof ext.field === 'string' ? ext.field : null, ext);
    case 'SERVICE_UNAVAILABLE':
      return new ApiError('UNAVAILABLE', message, null, ext);
    default:
      return new ApiError('INTERNAL', typeof ext.errorId === 'string' ? `reference ${ext.errorId}` : '', null, ext);
  }
}

/** An HTTP answer that is not GraphQL (a gateway's error page, an empty body). */
export function httpError(status: number): ApiError {
  if (status === 502 || status === 503 || status === 504 || status === 0) return new ApiError('UNAVAILABLE', status ? `HTTP ${status}` : '');
  if (status === 401) return new ApiError('UNAUTHENTICATED', '');
  if (status === 403) return new ApiError('FORBIDDEN', '');
  if (status === 404) return new ApiError('NOT_AVAILABLE', '');
  return new ApiError('INTERNAL', `HTTP ${status}`);
}

/**
 * The name of the form field an input path is about: `input.creditCode` -> `creditCode`,
 * `input.lines[0].amount` -> `amount`, `defaulted[1]` -> `defaulted`, `creditCode` -> `creditCode`.
 */
export function fieldName(path: string): string {
  const parts = path
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter((p) => p !== '' && !/^\d+$/.test(p));
  return parts[parts.length - 1] ?? path;
}
