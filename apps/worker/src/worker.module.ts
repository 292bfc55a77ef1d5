import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { type AppConfig, createLogger } from '@app/config';
import { Clock, SystemClock } from '@app/domain';
import { PersistenceModule } from '@app/persistence';
import { MonitoringModule } from './monitoring/monitoring.module';
import { ImportsModule } from './imports/imports.module';
import { QueueRunner } from './queues/queue-runner.service';
import { RecordsModule } from './records/records.module';
import { RatingsModule } from './ratings/ratings.module';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { WorkerMetrics } from './health/worker-metrics';
import { WORKER_CONFIG } from './worker.tokens';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      global: true,
      imports: [
        DiscoveryModule,
        LoggerModule.forRoot({ pinoHttp: { logger: createLogger(config, 'worker') } }),
        PersistenceModule.forRoot(config, 'credit-alliance-worker'),
        MonitoringModule,
        ImportsModule,
        RecordsModule,
        RatingsModule,
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, { provide: Clock, useClass: SystemClock }, WorkerMetrics, QueueRunner, OutboxRelay],
      exports: [WORKER_CONFIG, Clock, WorkerMetrics, QueueRunner, OutboxRelay],
    };
  }
}
