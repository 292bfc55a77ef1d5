import { BadInputError } from './errors';

/** One page of a list, newest first: at most `limit` items after skipping `offset`. */
export interface Page {
  readonly limit: number;
  readonly offset: number;
}

/**
 * A page asked for through the API's `limit` and `offset` arguments, checked: `limit` from 1
 * to `max`, `offset` 0 or more, each refused as BAD_USER_INPUT naming its argument.
 */
export function parsePage(page: { readonly limit: number; readonly offset: number }, max: number): Page {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > max) throw new BadInputError('limit', `limit must be between 1 and ${max}`);
  if (!Number.isInteger(page.offset) || page.offset < 0) throw new BadInputError('offset', 'offset must not be negative');
  return { limit: page.limit, offset: page.offset };
}
