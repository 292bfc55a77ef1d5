import { Module } from '@nestjs/common';
import { AuthModule } from '@api/auth/auth.module';
import { BankRatingsModule } from '@api/bank-ratings/bank-ratings.module';
import { BankAuthenticator } from './bank-authenticator';
import { RatingsController } from './ratings.controller';

/** The REST face for banks' core systems (OpenAPI at /v1/openapi.json). */
@Module({
  imports: [AuthModule, BankRatingsModule],
  controllers: [RatingsController],
  providers: [BankAuthenticator],
})
export class RestModule {}
