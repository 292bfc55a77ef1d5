import { Module } from '@nestjs/common';
import { AuthModule } from '@api/auth/auth.module';
import { FullRecomputeResolver } from './full-recompute.resolver';
import { FullRecomputeService } from './full-recompute.service';
import { PipelineQueues } from './pipeline-queues';
import { QueueBoard } from './queue-board';
import { QueueMetrics } from './queue-metrics';
import { RatingEventsResolver } from './rating-events.resolver';
import { RatingHistoryResolver } from './rating-history.resolver';

/**
 * The API's side of the recompute pipeline (docs/pipeline.md): rating history, RatingChanged
 * subscriptions, the operator's full recompute, Bull Board and the queue metrics.
 */
@Module({
  imports: [AuthModule],
  providers: [FullRecomputeResolver, FullRecomputeService, PipelineQueues, QueueBoard, QueueMetrics, RatingEventsResolver, RatingHistoryResolver],
  exports: [QueueBoard],
})
export class PipelineModule {}
