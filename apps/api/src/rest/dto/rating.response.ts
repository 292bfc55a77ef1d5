import { ApiProperty } from '@nestjs/swagger';
import type { BankRatingRead, RatingView } from '@app/domain';
import { INQUIRY_PURPOSES } from '@app/domain';

export class ReasonDto {
  @ApiProperty({ example: 'PAYMENT_DELAYS', description: 'stable, machine-readable' }) code: string;
  @ApiProperty({ example: 'Pays suppliers about 15 days beyond terms' }) description: string;
  @ApiProperty({ example: '平均逾期约15天付款' }) descriptionZh: string;
}

export class FactorDto {
  @ApiProperty({ example: 'PAYMENT_BEHAVIOUR' }) name: string;
  @ApiProperty({ example: 70, description: '0..100' }) score: number;
  @ApiProperty({ example: 0.55, description: '0..1; the weights of one rating add up to 1' }) weight: number;
}

export class BackedRatingDto {
  @ApiProperty({ example: 'A' }) grade: string;
  @ApiProperty({ example: 0.0081 }) pd: number;
  @ApiProperty({ example: 1, description: 'grades gained over the stand-alone rating, >= 0' }) notchesUplift: number;
}

export class CreditRatingDto {
  @ApiProperty({ example: 712, description: '300..900, higher is better' }) score: number;
  @ApiProperty({ example: 'BBB', description: 'one of AAA AA A BBB BB B CCC CC C D' }) grade: string;
  @ApiProperty({ example: 0.0123, description: 'one-year probability of default, 0..1' }) pd: number;
  @ApiProperty({ type: [ReasonDto], description: 'what lowers the score most, most important first, at most 4' }) reasons: ReasonDto[];
  @ApiProperty({ type: [FactorDto] }) factors: FactorDto[];
  @ApiProperty({ type: BackedRatingDto, nullable: true, description: "with the consortium's guarantee support; null without cover" })
  backed: BackedRatingDto | null;
  @ApiProperty({ example: 14, description: 'how many VERIFIED records this rating rests on' }) verifiedRecords: number;
  @ApiProperty({ example: 'ga2m-2026.1' }) modelVersion: string;
  @ApiProperty({ format: 'date-time' }) computedAt: string;
}

/** The same answer as GraphQL's BankRatingView: flat, nothing that leads to other companies. */
export class BankRatingResponse {
  @ApiProperty({ example: '91330300MA2AYBGX0A' }) creditCode: string;
  @ApiProperty({ example: '温州市鹿城区精工鞋业有限公司' }) companyName: string;
  @ApiProperty({ example: '温州鞋业联盟' }) consortiumName: string;
  @ApiProperty({ type: String, nullable: true, example: 'A', description: 'null until the standing is first computed' }) consortiumGrade: string | null;
  @ApiProperty({ type: CreditRatingDto, nullable: true, description: 'null until first computed' }) rating: CreditRatingDto | null;
  @ApiProperty({ example: '4132', description: 'the inquiry this read was recorded as; the company sees it' }) inquiryId: string;
  @ApiProperty({ format: 'date-time' }) readAt: string;
}

export class BatchRatingRequest {
  @ApiProperty({ type: [String], maxItems: 500, description: 'up to 500 unified social credit codes' }) creditCodes: string[];
  @ApiProperty({ enum: INQUIRY_PURPOSES }) purpose: string;
}

export class ErrorDto {
  @ApiProperty({ enum: ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE'] }) code: string;
  @ApiProperty() message: string;
  @ApiProperty({ required: false, description: 'INTERNAL_SERVER_ERROR and SERVICE_UNAVAILABLE: the reference of the logged error' }) errorId?: string;
  @ApiProperty({ required: false, description: 'SERVICE_UNAVAILABLE: true; retry after the Retry-After header' }) retryable?: boolean;
  @ApiProperty({ required: false, description: 'BAD_USER_INPUT: the input at fault' }) field?: string;
  @ApiProperty({ required: false, description: 'FORBIDDEN for want of consent: CONSENT_MISSING, CONSENT_EXPIRED, CONSENT_REVOKED' }) reason?: string;
}

export class BatchRatingItem {
  @ApiProperty({ description: 'the code as asked for' }) creditCode: string;
  @ApiProperty({ type: BankRatingResponse, nullable: true }) rating: BankRatingResponse | null;
  @ApiProperty({ type: ErrorDto, nullable: true }) error: ErrorDto | null;
}

function ratingDto(r: RatingView): CreditRatingDto {
  return {
    score: r.score,
    grade: r.grade,
    pd: r.pd,
    reasons: r.reasons.map((x) => ({ code: x.code, description: x.description, descriptionZh: x.descriptionZh })),
    factors: r.factors.map((f) => ({ name: f.name, score: f.score, weight: f.weight })),
    backed: r.backed ? { grade: r.backed.grade, pd: r.backed.pd, notchesUplift: r.backed.notchesUplift } : null,
    verifiedRecords: r.verifiedRecords,
    modelVersion: r.modelVersion,
    computedAt: r.computedAt.toISOString(),
  };
}

export function toBankRatingResponse(r: BankRatingRead): BankRatingResponse {
  return {
    creditCode: r.creditCode,
    companyName: r.companyName,
    consortiumName: r.consortiumName,
    consortiumGrade: r.consortiumGrade,
    rating: r.rating ? ratingDto(r.rating) : null,
    inquiryId: r.inquiryId,
    readAt: r.at.toISOString(),
  };
}
