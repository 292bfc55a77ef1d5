import { Module } from '@nestjs/common';
import {
  CreditRecordFieldsResolver,
  DisputeFieldsResolver,
  GuaranteeFieldsResolver,
  LoanRecordFieldsResolver,
  SoftSignalFieldsResolver,
  TradeExperienceFieldsResolver,
} from './record-fields.resolver';
import { RecordLoaderFactory } from './record-loaders';
import { RecordsResolver } from './records.resolver';
import { RecordsService } from './records.service';

/** Verified credit records: filing, verification, disputes (issue 3). */
@Module({
  providers: [
    RecordsService,
    RecordLoaderFactory,
    RecordsResolver,
    CreditRecordFieldsResolver,
    TradeExperienceFieldsResolver,
    GuaranteeFieldsResolver,
    LoanRecordFieldsResolver,
    SoftSignalFieldsResolver,
    DisputeFieldsResolver,
  ],
  exports: [RecordsService],
})
export class RecordsModule {}
