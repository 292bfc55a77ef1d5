import { Module } from '@nestjs/common';
import { AuthModule } from '@api/auth/auth.module';
import { BankRatingsModule } from '@api/bank-ratings/bank-ratings.module';
import { ReportsModule } from '@api/reports/reports.module';
import { BankAuthenticator } from './bank-authenticator';
import { RatingsController } from './ratings.controller';
import { ReportsController } from './reports.controller';

/** The REST face for banks' core systems (OpenAPI at /v1/openapi.json). */
@Module({
  imports: [AuthModule, BankRatingsModule, ReportsModule],
  controllers: [RatingsController, ReportsController],
  providers: [BankAuthenticator],
})
export class RestModule {}
