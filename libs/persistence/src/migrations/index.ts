import { Foundation1764300000000 } from './1764300000000-foundation';
import { OutboxAndRatings1764300100000 } from './1764300100000-outbox-and-ratings';
import { RatingEvents1764300200000 } from './1764300200000-rating-events';
import { BankAccess1764300400000 } from './1764300400000-bank-access';
import { PartnersAndProfiles1764300500000 } from './1764300500000-partners-and-profiles';
import { CreditRecords1764400000000 } from './1764400000000-credit-records';
import { Pipeline1764500000000 } from './1764500000000-pipeline';
import { DisputeResolvedNotices1764600000000 } from './1764600000000-dispute-resolved-notices';
import { CheaperInquirySealing1764700000000 } from './1764700000000-cheaper-inquiry-sealing';
import { PartnerChecksNoTruncate1764800000000 } from './1764800000000-partner-checks-no-truncate';
import { ApiKeyRevocationSignal1764900000000 } from './1764900000000-api-key-revocation-signal';
import { FullRecomputeTradePass1765000000000 } from './1765000000000-full-recompute-trade-pass';
import { CurrentRatings1765000100000 } from './1765000100000-current-ratings';
import { CurrentRatingsWrittenBy1765000200000 } from './1765000200000-current-ratings-written-by';
import { FullRecomputePassSumsAndRoles1765000300000 } from './1765000300000-full-recompute-pass-sums-and-roles';
import { RatingsLz41765000400000 } from './1765000400000-ratings-lz4';
import { FullRecomputeRunsDropRatingsWritten1765000500000 } from './1765000500000-full-recompute-runs-drop-ratings-written';
import { ImportChunksLz41765000600000 } from './1765000600000-import-chunks-lz4';
import { FullRecomputeSuperseded1765000700000 } from './1765000700000-full-recompute-superseded';
import { ConsortiumRiskParameters1765000800000 } from './1765000800000-consortium-risk-parameters';
import { RatingModels1765000900000 } from './1765000900000-rating-models';
import { FilerDisputeNotices1765001000000 } from './1765001000000-filer-dispute-notices';
import { RecordStatements1765001100000 } from './1765001100000-record-statements';
import { AppRole1765001200000 } from './1765001200000-app-role';

/** Every migration, in order of its timestamp (TypeORM runs them so). A new migration is a new file, listed here last. */
export const MIGRATIONS = [
  Foundation1764300000000,
  OutboxAndRatings1764300100000,
  RatingEvents1764300200000,
  BankAccess1764300400000,
  PartnersAndProfiles1764300500000,
  CreditRecords1764400000000,
  Pipeline1764500000000,
  DisputeResolvedNotices1764600000000,
  CheaperInquirySealing1764700000000,
  PartnerChecksNoTruncate1764800000000,
  ApiKeyRevocationSignal1764900000000,
  FullRecomputeTradePass1765000000000,
  CurrentRatings1765000100000,
  CurrentRatingsWrittenBy1765000200000,
  FullRecomputePassSumsAndRoles1765000300000,
  RatingsLz41765000400000,
  FullRecomputeRunsDropRatingsWritten1765000500000,
  ImportChunksLz41765000600000,
  FullRecomputeSuperseded1765000700000,
  ConsortiumRiskParameters1765000800000,
  RatingModels1765000900000,
  FilerDisputeNotices1765001000000,
  RecordStatements1765001100000,
  AppRole1765001200000,
];
