import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  ApiKeyRepository,
  AuditLogRepository,
  BankRepository,
  CompanyRepository,
  ConsentRepository,
  ConsentRequestRepository,
  ConsortiumRepository,
  CoordinatorRepository,
  CreditReportRepository,
  InquiryRepository,
  CreditRecordRepository,
  DisputeRepository,
  FullRecomputeRepository,
  IdempotencyRepository,
  ImportRepository,
  LoginFailureRepository,
  MaintenanceRepository,
  NoticeRepository,
  OutboxRepository,
  OwnerConsentRepository,
  PartnerCheckRepository,
  PublicProfileRepository,
  RatingEventRepository,
  RatingModelRepository,
  RatingRepository,
  RecordLedgerRepository,
  RecordStatementRepository,
  ScoringInputRepository,
  SessionRepository,
  StandingRepository,
  StandingInputRepository,
  TradeMatchRepository,
  UserRepository,
  WatchlistRepository,
  WebhookRepository,
} from './repositories';
import { dataSourceOptions } from './database';

export const REPOSITORIES = [
  ApiKeyRepository,
  AuditLogRepository,
  BankRepository,
  CompanyRepository,
  ConsentRepository,
  ConsentRequestRepository,
  ConsortiumRepository,
  CoordinatorRepository,
  CreditReportRepository,
  InquiryRepository,
  CreditRecordRepository,
  DisputeRepository,
  FullRecomputeRepository,
  IdempotencyRepository,
  ImportRepository,
  LoginFailureRepository,
  MaintenanceRepository,
  NoticeRepository,
  OutboxRepository,
  OwnerConsentRepository,
  PartnerCheckRepository,
  PublicProfileRepository,
  RatingEventRepository,
  RatingModelRepository,
  RatingRepository,
  RecordLedgerRepository,
  RecordStatementRepository,
  ScoringInputRepository,
  SessionRepository,
  StandingRepository,
  StandingInputRepository,
  TradeMatchRepository,
  UserRepository,
  WatchlistRepository,
  WebhookRepository,
];

/** The DataSource and every repository, for the api and the worker. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(config: AppConfig, applicationName: string): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(config, applicationName), retryAttempts: 3, retryDelay: 1000 })],
      providers: REPOSITORIES,
      exports: REPOSITORIES,
    };
  }
}
