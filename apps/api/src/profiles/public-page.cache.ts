/**
 * A small per-process cache of rendered public pages, keyed by slug, for `ttlMs`. A burst of
 * visitors to one profile costs one query per process per `ttlMs`; concurrent misses share
 * one load. Changes made through this process evict at once; other processes see them
 * within `ttlMs`, well inside the minute that the pages' Cache-Control already allows
 * browsers and proxies. Unknown slugs are cached too (as null), bounded by `maxEntries`.
 */
export class PublicPageCache<T> {
  private readonly entries = new Map<string, { expires: number; value: Promise<T | null> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    if (this.ttlMs === 0) return load();
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > at) return hit.value;
    if (hit) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // the oldest insertion goes first (a Map iterates in insertion order)
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const value = load();
    const entry = { expires: at + this.ttlMs, value };
    this.entries.set(key, entry);
    // a failed load is not remembered: the next visitor tries again
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  evict(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
