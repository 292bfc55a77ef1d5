import type { BackedRating, ConsortiumStanding, CreditRating } from './scoring';

/** A rating as kept in the history: the engine's answer, its backing, and when it was made. */
export interface StoredRating extends CreditRating {
  readonly id: string;
  readonly consortiumId: string;
  readonly backed: BackedRating | null;
  /** what the rating was computed from; unchanged data means no new rating */
  readonly dataVersion: string;
  readonly computedAt: Date;
}

export interface StoredStanding extends ConsortiumStanding {
  readonly id: string;
  readonly dataVersion: string;
  readonly modelVersion: string;
  readonly computedAt: Date;
}
