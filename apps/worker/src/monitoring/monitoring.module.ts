import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '@app/domain';
import { InquirySealer } from './inquiry-sealer.service';
import { MonitoringChannels } from './monitoring-channels';
import { MonitoringFanout } from './monitoring-fanout.service';
import { DeliverWebhookHandler, RatingChangedHandler } from './monitoring.handlers';
import { WebhookSender } from './webhook-sender.service';

/** Bank monitoring in the worker: RatingChanged fan-out, webhook deliveries, inquiry sealing. */
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    MonitoringChannels,
    MonitoringFanout,
    WebhookSender,
    RatingChangedHandler,
    DeliverWebhookHandler,
    InquirySealer,
  ],
  exports: [MonitoringFanout, WebhookSender, InquirySealer, MonitoringChannels],
})
export class MonitoringModule {}
