import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { Clock, inquiryDigest } from '@app/domain';
import { AuditLogRepository, InquiryRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';

/** Inquiries chained into the audit log per transaction: one append lock for this many reads. */
export const SEAL_BATCH = 2_000;

/**
 * The sealing step of inquiries. A bank read inserts its inquiry in its own short statement
 * (so reads never queue on the audit log's single append lock); this step then chains the
 * new inquiries into the hash-chained audit log in batches, oldest first: one entry per
 * batch carrying the digest of its inquiries, and each inquiry marked with that entry. It claims rows with SKIP LOCKED, so several workers can run it; an
 * inquiry committed late, with a lower id, is simply sealed by the next pass: nothing is
 * lost, because what is unsealed is read from the table, not from a watermark.
 */
@Injectable()
export class InquirySealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InquirySealer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly inquiries: InquiryRepository,
    private readonly audit: AuditLogRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * Seals one batch; returns how many inquiries it chained. The batch is one audit-log entry
   * (`inquiries.sealed`: how many, the first and last id, and the digest of their content),
   * and each inquiry records that entry's position: the chain proves every inquiry without
   * writing an audit row per read.
   */
  async sealBatch(limit = SEAL_BATCH): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const batch = await this.inquiries.claimUnsealed(tx, limit);
      if (batch.length === 0) return 0;
      const [seq] = await this.audit.append(
        tx,
        [
          {
            action: 'inquiries.sealed',
            actorId: null,
            details: { count: batch.length, firstId: batch[0].id, lastId: batch[batch.length - 1].id, digest: inquiryDigest(batch) },
          },
        ],
        this.clock.now(),
      );
      await this.inquiries.markSealed(
        tx,
        batch.map((i) => i.id),
        seq,
      );
      return batch.length;
    });
  }

  /**
   * Checks every seal against the inquiries it sealed (the audit log's own chain is checked
   * by verifyAuditLog): the first seal whose inquiries were changed, removed or added.
   */
  async verify(): Promise<{ ok: boolean; checked: number; firstBrokenSeq: number | null }> {
    const db = this.dataSource.manager;
    let checked = 0;
    for (const seal of await this.inquiries.seals(db)) {
      const sealed = await this.inquiries.sealedBy(db, seal.seq);
      if (sealed.length !== seal.count || inquiryDigest(sealed) !== seal.digest) return { ok: false, checked, firstBrokenSeq: seal.seq };
      checked += sealed.length;
    }
    return { ok: true, checked, firstBrokenSeq: null };
  }

  /** Seals until nothing is left; returns the total. */
  async sealAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sealBatch();
      total += n;
      if (n < SEAL_BATCH) return total;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sealAll();
      this.running
        .catch((error: unknown) => this.logger.warn(`sealing inquiries failed, retrying: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.config.bankAccess.inquirySealIntervalMs);
    this.timer.unref();
  }
}
