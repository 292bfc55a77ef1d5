import { Module } from '@nestjs/common';
import { RecordsModule } from '@worker/records/records.module';
import { FullRecompute } from './full-recompute.service';
import { RatingComputer } from './rating-computer.service';
import {
  DailyMaintenanceHandler,
  FullRecomputeHandler,
  RecomputeCompanyHandler,
  RecomputeStandingHandler,
  StartFullRecomputeHandler,
} from './ratings.handlers';
import { StandingComputer } from './standing-computer.service';

/** The recompute pipeline's jobs: company ratings, standings, full recomputes, daily maintenance. */
@Module({
  imports: [RecordsModule],
  providers: [
    RatingComputer,
    StandingComputer,
    FullRecompute,
    RecomputeCompanyHandler,
    RecomputeStandingHandler,
    FullRecomputeHandler,
    StartFullRecomputeHandler,
    DailyMaintenanceHandler,
  ],
  exports: [RatingComputer, StandingComputer, FullRecompute],
})
export class RatingsModule {}
