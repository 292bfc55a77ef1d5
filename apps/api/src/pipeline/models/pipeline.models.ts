import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { FullRecomputeRun } from '@app/persistence';
import { CalendarDateScalar } from '@api/common/scalars';

export const FullRecomputeTrigger = { SCHEDULE: 'SCHEDULE', ADMIN: 'ADMIN' } as const;
registerEnumType(FullRecomputeTrigger, {
  name: 'FullRecomputeTrigger',
  valuesMap: { SCHEDULE: { description: 'the nightly job scheduler' }, ADMIN: { description: 'startFullRecompute, by an operator' } },
});

export const FullRecomputeStatus = { RUNNING: 'RUNNING', DONE: 'DONE', SUPERSEDED: 'SUPERSEDED' } as const;
registerEnumType(FullRecomputeStatus, {
  name: 'FullRecomputeStatus',
  valuesMap: {
    RUNNING: { description: 'chunks are left; workers take them as they come' },
    DONE: { description: 'every chunk committed' },
    SUPERSEDED: { description: 'a run of a later day started while this one was still running; it stopped there' },
  },
});

@ObjectType('FullRecomputeRun', { description: 'One recompute of every company and standing, cut into chunks of companies that workers share' })
export class FullRecomputeRunModel {
  @Field(() => ID) id: string;
  @Field(() => FullRecomputeTrigger) trigger: 'SCHEDULE' | 'ADMIN';
  @Field(() => FullRecomputeStatus) status: FullRecomputeRun['status'];
  @Field(() => CalendarDateScalar, { description: 'the day the ratings are computed as of (a UTC calendar day: the records ledger counts by UTC days)' }) asOf: string;
  @Field(() => Int) totalChunks: number;
  @Field(() => Int) chunksDone: number;
  @Field(() => Int) totalCompanies: number;
  @Field(() => Int) companiesDone: number;
  @Field(() => Int, { description: 'companies that got a new rating; the others were already current' }) ratingsWritten: number;
  @Field(() => Float, { description: '0..1: companies done over companies, 1 once DONE' }) progress: number;
  @Field() startedAt: Date;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
}

export function toFullRecomputeRunModel(run: FullRecomputeRun): FullRecomputeRunModel {
  const progress = run.status === 'DONE' ? 1 : run.totalCompanies > 0 ? Math.min(1, run.companiesDone / run.totalCompanies) : 0;
  return Object.assign(new FullRecomputeRunModel(), {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    asOf: run.asOf,
    totalChunks: run.totalChunks,
    chunksDone: run.chunksDone,
    totalCompanies: run.totalCompanies,
    companiesDone: run.companiesDone,
    ratingsWritten: run.ratingsWritten,
    progress,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  });
}

@ObjectType('RatingChangedEvent', { description: "A company's grade changed, or its score moved by at least RATING_EVENT_MIN_POINTS" })
export class RatingChangedEventModel {
  @Field(() => ID) eventId: string;
  @Field(() => ID) companyId: string;
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field(() => String, { nullable: true, description: 'null for a first rating' }) oldGrade: string | null;
  @Field() newGrade: string;
  @Field(() => Int, { nullable: true }) oldScore: number | null;
  @Field(() => Int) newScore: number;
  @Field() changedAt: Date;
}
