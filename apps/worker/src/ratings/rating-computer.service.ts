import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { BackedRating, ScoringInput } from '@app/domain/scoring';
import { JobName } from '@app/jobs';
import {
  CompanyRepository,
  type Db,
  type NewRating,
  type NewRatingChangedEvent,
  OutboxRepository,
  type OutboxMessage,
  RatingEventRepository,
  RatingModelRepository,
  RatingRepository,
  ratingSubstance,
  type ScoreAndPd,
  ScoringInputRepository,
  StandingInputRepository,
  StandingRepository,
} from '@app/persistence';
import { backedRating, DEFAULT_RATING_MODEL, paymentWindows, rateCompany } from '@app/scoring';
import { WORKER_CONFIG } from '@worker/worker.tokens';

/** What one recompute of a set of companies did. */
export interface RecomputeOutcome {
  readonly examined: number;
  /** companies whose data had not changed since their current rating */
  readonly current: number;
  /** new rating rows */
  readonly written: number;
  /** RatingChanged events */
  readonly events: number;
  /** companies whose grade or score moved (their dependents and standing were queued) */
  readonly moved: number;
}

export interface RecomputeOptions {
  /**
   * false in a full recompute: one pass over every company, each reading its partners'
   * ratings as they stand when its chunk runs; chasing the run's own moves across the
   * network would turn one pass into a cascade (at 100,000 companies with a hundred partners
   * each, millions of queued recomputes). The next run reads this run's ratings.
   */
  readonly queueDependents?: boolean;
  /** false in a full recompute, which queues every standing once at its end */
  readonly queueStandings?: boolean;
  /** in a full recompute, the run whose trade pass holds the companies' trade (fingerprintsFromTradePass) */
  readonly tradePassOf?: string;
  /**
   * in a full recompute, every company's current score and PD, as the lane keeps them
   * (CurrentScores): asked for once the chunk's companies are locked, so that a company job
   * that committed before the lock (one that read a partner's newer rating) is never
   * undone by a chunk that read its partners' scores before it
   */
  readonly currentScores?: () => Promise<ReadonlyMap<string, ScoreAndPd>>;
}

/**
 * A partner's move smaller than this (and no grade change) does not queue its partners: the
 * network factor reads partners' PDs through a weighted mean, so small moves fade out, and a
 * threshold above rounding noise keeps two partners from re-rating each other forever. They
 * read the new PD at their own next recompute.
 */
export const NETWORK_FANOUT_POINTS = 3;

function counterpartyIdsOf(counterparties: ReadonlyMap<string, readonly { readonly counterpartyId: string }[]>): string[] {
  const ids = new Set<string>();
  for (const list of counterparties.values()) for (const c of list) ids.add(c.counterpartyId);
  return [...ids];
}

const digest = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 16);

/**
 * Rates companies and keeps their history (docs/pipeline.md). In the caller's transaction:
 * locks the companies (so two recomputes of one company never both write), loads their
 * verified records with one query per record kind for the whole set, and for each company
 * whose data version moved, rates it with @app/scoring and appends a rating row. A rating
 * records the data it was computed from; a company whose data has not moved costs no
 * scoring and no write. A rating that moved its grade or score queues, through the outbox
 * and in the same transaction, its dependents (the companies whose network factor reads
 * its PD); every company whose data version moved (a new rating or not) queues its
 * consortium's standing; a move of grade or of RATING_EVENT_MIN_POINTS is a RatingChanged event.
 */
@Injectable()
export class RatingComputer {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly scoringInputs: ScoringInputRepository,
    private readonly ratings: RatingRepository,
    private readonly standings: StandingRepository,
    private readonly standingInputs: StandingInputRepository,
    private readonly events: RatingEventRepository,
    private readonly outbox: OutboxRepository,
    private readonly models: RatingModelRepository,
    private readonly companies: CompanyRepository,
  ) {}

  async recompute(tx: Db, companyIds: readonly string[], asOf: string, options: RecomputeOptions = {}): Promise<RecomputeOutcome> {
    const locked = await this.companies.lockMany(tx, companyIds);
    const ids = locked.map((c) => c.id);
    if (ids.length === 0) return { examined: 0, current: 0, written: 0, events: 0, moved: 0 };
    // a chunk's trade lines (a hundred thousand and more) sort in memory, not on disk
    await this.scoringInputs.sortChunkInMemory(tx);
    const consortiumOf = new Map(locked.map((c) => [c.id, c.consortiumId]));
    const consortia = [...new Set(consortiumOf.values())];

    // what the rating would be computed from, first: a company whose data, partners'
    // ratings and standing have not moved since its current rating is never loaded
    const windows = paymentWindows(asOf);
    const { versions, counterparties, trade } = options.tradePassOf
      ? await this.scoringInputs.fingerprintsFromTradePass(tx, options.tradePassOf, ids, asOf, windows)
      : await this.scoringInputs.fingerprints(tx, ids, asOf, windows);
    // the chunk's own ratings in full (compared with what a recompute would write); its
    // partners' only by score and PD (what the network factor reads)
    const current = await this.ratings.currentSummaries(tx, ids);
    const partners = options.currentScores ? await options.currentScores() : await this.ratings.currentScores(tx, counterpartyIdsOf(counterparties));
    const standings = await this.standings.currentBriefs(tx, consortia);
    // each consortium's ACTIVE model, the shipped one where none was activated
    const activeSpecs = await this.models.activeSpecs(tx, consortia);
    const specOf = (id: string) => activeSpecs.get(consortiumOf.get(id) as string) ?? DEFAULT_RATING_MODEL;
    // the companies to rate, with their data version and their partners' PDs in list order:
    // each partner's current rating is looked up once, for the version and the network factor
    const toRate = new Map<string, { dataVersion: string; pds: (number | null)[] }>();
    for (const id of ids) {
      const standing = standings.get(consortiumOf.get(id) as string);
      const list = counterparties.get(id) ?? [];
      const scored = new Array<string>(list.length);
      const pds = new Array<number | null>(list.length);
      for (let i = 0; i < list.length; i++) {
        const partner = partners.get(list[i].counterpartyId);
        // the partner's PD, as the network factor reads it (two PDs can share a rounded score)
        scored[i] = `${list[i].counterpartyId}:${partner?.pd ?? '-'}`;
        pds[i] = partner?.pd ?? null;
      }
      const dataVersion = `${versions.get(id)}|${asOf}|${specOf(id).version}|n${digest(scored.join(','))}|s${standing?.id ?? 0}`;
      const previous = current.get(id);
      if (previous?.dataVersion === dataVersion) continue;
      // never as of an earlier day than the current rating (a full run started yesterday
      // and still going meets a company job of today): the day's rating stays current
      if (previous && previous.asOf > asOf) continue;
      toRate.set(id, { dataVersion, pds });
    }
    // trade comes summed by the database (the lines would be most of what a chunk ships)
    const inputs = await this.scoringInputs.loadScoringInputs(tx, [...toRate.keys()], asOf, { counterparties, tradeSummaries: trade });
    const funds = await this.standingInputs.funds(tx, consortia, ids);

    const toWrite: NewRating[] = [];
    for (const [id, { dataVersion, pds }] of toRate) {
      const raw = inputs.get(id) as ScoringInput;
      const input: ScoringInput = { ...raw, counterparties: raw.counterparties.map((c, i) => ({ ...c, pd: pds[i] })) };
      const consortiumId = consortiumOf.get(id) as string;
      const standing = standings.get(consortiumId);
      const previous = current.get(id);

      const rating = rateCompany(input, asOf, specOf(id));
      const fund = funds.get(consortiumId);
      let backed: BackedRating | null = null;
      if (standing && fund)
        backed = backedRating(
          { companyId: id, pd: rating.pd, grade: rating.grade, inDefault: rating.inDefault },
          { grade: standing.grade, standingPd: standing.standingPd, guaranteeCoverage: standing.guaranteeCoverage },
          fund,
          standing.parameters ?? undefined,
        );
      // the same answer from new data: the current rating stays current (no row, no event)
      if (previous && previous.substance === ratingSubstance(rating, backed)) continue;
      toWrite.push({ consortiumId, rating, backed, dataVersion });
    }

    const written = await this.ratings.insertMany(tx, toWrite);
    const messages: OutboxMessage[] = [];
    const dependents = new Set<string>();
    // every company whose data version moved queues its consortium's standing, a new rating or
    // not: the standing also reads members' loans, balance sheets, guarantee and overdue-payable
    // edges, which can change and leave the rating equal (debounced by the queue; the standing
    // writes only when what it reads changed)
    const touchedConsortia = new Set(options.queueStandings === false ? [] : [...toRate.keys()].map((id) => consortiumOf.get(id) as string));
    const changes: NewRatingChangedEvent[] = [];
    let moved = 0;
    for (const rating of written) {
      const previous = current.get(rating.companyId);
      const gradeChanged = !previous || previous.grade !== rating.grade;
      if (!gradeChanged && previous.score === rating.score) continue;
      moved++;
      const fanOut = options.queueDependents !== false && (gradeChanged || Math.abs(previous.score - rating.score) >= NETWORK_FANOUT_POINTS);
      for (const c of fanOut ? (inputs.get(rating.companyId) as ScoringInput).counterparties : []) {
        if (c.counterpartyId === rating.companyId) continue;
        dependents.add(c.counterpartyId);
      }
      if (previous && (gradeChanged || Math.abs(previous.score - rating.score) >= this.config.pipeline.ratingEventMinPoints)) {
        changes.push({
          companyId: rating.companyId,
          consortiumId: consortiumOf.get(rating.companyId) as string,
          ratingId: rating.id,
          previousRatingId: previous.id,
          oldGrade: previous.grade,
          newGrade: rating.grade,
          oldScore: previous.score,
          newScore: rating.score,
        });
      }
    }
    // one statement for all of them: a run can move many ratings of a chunk at once
    for (const event of await this.events.insertMany(tx, changes)) messages.push({ job: JobName.RATING_CHANGED, payload: { eventId: event.id } });
    for (const companyId of [...dependents].sort()) messages.push({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason: 'network' } });
    for (const consortiumId of [...touchedConsortia].sort()) messages.push({ job: JobName.RECOMPUTE_STANDING, payload: { consortiumId } });
    await this.outbox.add(tx, messages);
    return { examined: ids.length, current: ids.length - toWrite.length, written: written.length, events: changes.length, moved };
  }
}
