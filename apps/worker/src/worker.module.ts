import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { type AppConfig, createLogger } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { MonitoringModule } from './monitoring/monitoring.module';
import { QueueRunner } from './queues/queue-runner.service';
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
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, QueueRunner],
      exports: [WORKER_CONFIG, QueueRunner],
    };
  }
}
