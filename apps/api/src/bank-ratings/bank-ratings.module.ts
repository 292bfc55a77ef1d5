import { Module } from '@nestjs/common';
import { BankRatingsResolver } from './bank-ratings.resolver';
import { BankRatingsService } from './bank-ratings.service';
import { InquiriesResolver } from './inquiries.resolver';
import { RatingReadBatcher } from './rating-read-batcher';

@Module({
  providers: [BankRatingsResolver, BankRatingsService, InquiriesResolver, RatingReadBatcher],
  exports: [BankRatingsService],
})
export class BankRatingsModule {}
