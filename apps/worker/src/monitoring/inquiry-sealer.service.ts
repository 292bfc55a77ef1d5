import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { AuditLogRepository, InquiryRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';

/** Inquiries chained into the audit log per transaction: one append lock for this many reads. */
export const SEAL_BATCH = 2_000;

/**
 * The sealing step of inquiries. A bank read inserts its inquiry in its own short statement
 * (so reads never queue on the audit log's single append lock); this step then chains the
 * new inquiries into the hash-chained audit log in batches, oldest first, and marks each with
 * its audit position. It claims rows with SKIP LOCKED, so several workers can run it; an
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
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Seals one batch; returns how many inquiries it chained. */
  async sealBatch(limit = SEAL_BATCH): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const batch = await this.inquiries.claimUnsealed(tx, limit);
      if (batch.length === 0) return 0;
      const seqs = await this.audit.append(
        tx,
        batch.map((i) => ({
          action: 'inquiry.made',
          actorId: i.userId ?? i.apiKeyId,
          consortiumId: i.consortiumId,
          companyId: i.companyId,
          details: {
            inquiryId: i.id,
            bankId: i.bankId,
            consentId: i.consentId,
            userId: i.userId,
            apiKeyId: i.apiKeyId,
            purpose: i.purpose,
            scope: i.scope,
            channel: i.channel,
            eventId: i.eventId,
            at: i.at.toISOString(),
          },
        })),
      );
      await this.inquiries.markSealed(
        tx,
        batch.map((i, k) => ({ inquiryId: i.id, auditSeq: seqs[k] })),
      );
      return batch.length;
    });
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
