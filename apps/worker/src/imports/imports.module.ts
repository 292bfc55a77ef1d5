import { Module } from '@nestjs/common';
import { ImportProcessor } from './import-processor.service';
import { ImportRecordsHandler } from './import-records.handler';

/** CSV imports: validated line by line, COPYed into staging, merged set-based. */
@Module({ providers: [ImportProcessor, ImportRecordsHandler], exports: [ImportProcessor] })
export class ImportsModule {}
