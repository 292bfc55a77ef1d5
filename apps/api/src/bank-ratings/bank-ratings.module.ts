import { Module } from '@nestjs/common';
import { BankRatingsResolver } from './bank-ratings.resolver';
import { BankRatingsService } from './bank-ratings.service';
import { InquiriesResolver } from './inquiries.resolver';

@Module({
  providers: [BankRatingsResolver, BankRatingsService, InquiriesResolver],
  exports: [BankRatingsService],
})
export class BankRatingsModule {}
