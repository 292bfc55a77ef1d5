import { Module } from '@nestjs/common';
import { DisputeDeadlineHandler } from './dispute-deadline.handler';
import { DisputeDeadlines } from './dispute-deadlines.service';
import { OverdueNotices } from './overdue-notices.service';

/** The records' timers: dispute alerts and escalations, and bills that become negative information as they age. */
@Module({ providers: [DisputeDeadlines, DisputeDeadlineHandler, OverdueNotices], exports: [DisputeDeadlines, OverdueNotices] })
export class RecordsModule {}
