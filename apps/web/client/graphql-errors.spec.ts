import { describe, expect, it } from '@jest/globals';
import { ApiError, fieldName, httpError, toApiError } from './graphql-errors';

describe('GraphQL errors in words', () => {
  it('reads each contract code as its own kind, with Chinese words and the server message', () => {
    for (const code of ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'] as const) {
      const error = toApiError({ message: 'server says why', extensions: { code } });
      expect(error.kind).toBe(code);
      expect(error.detail).toBe('server says why');
    }
    expect(toApiError({ message: '', extensions: { code: 'UNAUTHENTICATED' } }).title).toBe('登录已失效，请重新登录');
    expect(toApiError({ message: '', extensions: { code: 'FORBIDDEN' } }).title).toBe('您没有权限执行此操作');
    expect(toApiError({ message: '', extensions: { code: 'NOT_FOUND' } }).title).toBe('未找到该对象');
    expect(toApiError({ message: '', extensions: { code: 'CONFLICT' } }).title).toBe('该操作与当前状态冲突');
  });

  it('keeps the field that BAD_USER_INPUT names', () => {
    const error = toApiError({ message: 'input.creditCode fails its check digit', extensions: { code: 'BAD_USER_INPUT', field: 'input.creditCode' } });
    expect(error.kind).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('input.creditCode');
    expect(error.title).toBe('输入有误，请检查后重试');
  });

  it('tells an operation the server does not have yet from bad input', () => {
    expect(toApiError({ message: 'Cannot query field "records" on type "Query".', extensions: { code: 'BAD_USER_INPUT', field: 'query' } }).kind).toBe('NOT_AVAILABLE');
    expect(toApiError({ message: 'Unknown type "VerificationStatus".', extensions: { code: 'BAD_USER_INPUT', field: 'query' } }).kind).toBe('NOT_AVAILABLE');
    expect(toApiError({ message: 'Unknown argument "status" on field "Query.records".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }).kind).toBe('NOT_AVAILABLE');
  });

  it('shows an unexpected error by its reference only, never its message', () => {
    const error = toApiError({ message: 'TypeError: x is undefined\n    at foo (/app/dist/x.js:1:2)', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: 'abc-123' } });
    expect(error.kind).toBe('INTERNAL');
    expect(error.detail).toBe('reference abc-123');
    expect(error.message).not.toContain('TypeError');
    expect(toApiError({ message: 'weird', extensions: {} }).detail).toBe('');
  });

  it("reads the console server's own answer when the API is down", () => {
    expect(toApiError({ message: 'The API is not reachable', extensions: { code: 'SERVICE_UNAVAILABLE' } }).kind).toBe('UNAVAILABLE');
    expect(httpError(502).kind).toBe('UNAVAILABLE');
    expect(httpError(0).kind).toBe('UNAVAILABLE');
    expect(httpError(500).kind).toBe('INTERNAL');
    expect(httpError(401).kind).toBe('UNAUTHENTICATED');
  });

  it('finds the form field of an input path', () => {
    expect(fieldName('input.creditCode')).toBe('creditCode');
    expect(fieldName('input.lines[0].amount')).toBe('amount');
    expect(fieldName('creditCode')).toBe('creditCode');
    expect(fieldName('defaulted[1]')).toBe('defaulted');
  });

  it('is an Error with the words in its message', () => {
    const error = new ApiError('FORBIDDEN', 'not your consortium');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('您没有权限执行此操作 (Not allowed): not your consortium');
  });
});
