interface Waiting<K, V> {
  readonly key: K;
  resolve(value: V | null): void;
  reject(error: unknown): void;
}

/**
 * Coalesces point reads across concurrent requests: while `maxInFlight` statements are
 * running, reads that arrive wait and go together in the next one (`WHERE id = ANY(...)`),
 * so under load the database answers a few statements instead of one per request, and
 * with nothing in flight a read goes at once (no added latency when quiet). A per-request
 * DataLoader batches within one request; this batches across requests. Use it only for
 * reads whose result does not depend on who asks (the caller's checks come after).
 */
export class ReadCoalescer<K, V> {
  private waiting: Waiting<K, V>[] = [];
  private inFlight = 0;

  constructor(
    private readonly load: (keys: readonly K[]) => Promise<Map<K, V>>,
    private readonly maxInFlight: number,
    private readonly maxBatch = 500,
  ) {}

  read(key: K): Promise<V | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight += 1;
      this.load([...new Set(batch.map((w) => w.key))])
        .then(
          (found) => batch.forEach((w) => w.resolve(found.get(w.key) ?? null)),
          (error: unknown) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
