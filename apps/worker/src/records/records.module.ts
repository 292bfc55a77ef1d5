import { Module } from '@nestjs/common';
import { DisputeDeadlineHandler } from './dispute-deadline.handler';
import { DisputeDeadlines } from './dispute-deadlines.service';

/** The records' timers: dispute alerts and escalations. */
@Module({ providers: [DisputeDeadlines, DisputeDeadlineHandler], exports: [DisputeDeadlines] })
export class RecordsModule {}
