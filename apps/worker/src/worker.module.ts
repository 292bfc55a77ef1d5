import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { type AppConfig, createLogger } from '@app/config';
import { Clock, SystemClock } from '@app/domain';
import { PersistenceModule } from '@app/persistence';
import { ImportsModule } from './imports/imports.module';
import { QueueRunner } from './queues/queue-runner.service';
import { RecordsModule } from './records/records.module';
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
        ImportsModule,
        RecordsModule,
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, { provide: Clock, useClass: SystemClock }, QueueRunner],
      exports: [WORKER_CONFIG, Clock, QueueRunner],
    };
  }
}
