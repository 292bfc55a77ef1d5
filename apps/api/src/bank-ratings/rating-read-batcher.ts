import { Inject, Injectable } from '@nestjs/common';
import { type BankRatingRead, Clock, type ConsentScope, MAX_BATCH_READ, scopesAllowing } from '@app/domain';
import { InquiryRepository, type RatingReadItem } from '@app/persistence';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';

const RATING_SCOPES: readonly ConsentScope[] = scopesAllowing('RATING');

interface Waiting {
  readonly item: RatingReadItem;
  resolve(read: BankRatingRead | null): void;
  reject(error: unknown): void;
}

/**
 * Group commit for bank reads. Every read writes its inquiry, and a write is a commit, which
 * waits for the WAL to reach the disk: on this class of machine a few milliseconds, far more
 * than the read itself. So reads that arrive while earlier ones are being written wait for
 * the next statement and go in together: one statement, one commit, for all of them. A
 * caller is answered only after the statement carrying its inquiry has committed, so no
 * inquiry can be lost and no data leaves without one. With nothing in flight a read goes at
 * once: batching adds no latency when the API is quiet.
 */
@Injectable()
export class RatingReadBatcher {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  /** statements in flight at once (BANK_READ_STATEMENTS); the others wait and go in together */
  private readonly maxInFlight: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly inquiries: InquiryRepository,
    private readonly clock: Clock,
  ) {
    this.maxInFlight = Math.min(config.bankAccess.readStatementsInFlight, config.dbPoolSize);
  }

  /** One read; resolves once its inquiry has committed (null: refused, nothing written). */
  read(item: RatingReadItem): Promise<BankRatingRead | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** A portfolio read: its items go in one statement of their own. */
  readMany(items: readonly RatingReadItem[]): Promise<(BankRatingRead | null)[]> {
    return this.inquiries.readRatings(this.dataSource.manager, items, RATING_SCOPES, this.clock.now());
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH_READ);
      this.inFlight += 1;
      this.inquiries
        .readRatings(
          this.dataSource.manager,
          batch.map((w) => w.item),
          RATING_SCOPES,
          this.clock.now(),
        )
        .then(
          (reads) => batch.forEach((w, i) => w.resolve(reads[i])),
          (error: unknown) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
