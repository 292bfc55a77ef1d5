import { Foundation1764300000000 } from './1764300000000-foundation';

/** Every migration, in order. A new migration is a new file, listed here last. */
export const MIGRATIONS = [Foundation1764300000000];
