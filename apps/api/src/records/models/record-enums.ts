import { registerEnumType } from '@nestjs/graphql';
import {
  DisputeResolution,
  PaymentKind,
  PublicRecordKind,
  RecordKind,
  SoftSignalKind,
  VerificationStatus,
} from '@app/domain';

registerEnumType(VerificationStatus, { name: 'VerificationStatus' });
registerEnumType(DisputeResolution, { name: 'DisputeResolution' });
registerEnumType(RecordKind, { name: 'RecordKind', description: 'the kinds of record of PRODUCT.md' });
registerEnumType(PaymentKind, { name: 'PaymentKind' });
registerEnumType(PublicRecordKind, { name: 'PublicRecordKind' });
registerEnumType(SoftSignalKind, { name: 'SoftSignalKind' });

export const RecordSource = { MEMBER: 'MEMBER', COORDINATOR: 'COORDINATOR', BANK: 'BANK' } as const;
export type RecordSource = (typeof RecordSource)[keyof typeof RecordSource];
registerEnumType(RecordSource, { name: 'RecordSource', description: 'who filed a record: a member company, the coordinator, or a bank (never which one)' });

export const TradeSide = { SUPPLIER: 'SUPPLIER', BUYER: 'BUYER' } as const;
registerEnumType(TradeSide, { name: 'TradeSide', description: "which side filed a trade experience: the supplier's receivable or the buyer's payable" });

export const TradeMatchStatus = { MATCHED: 'MATCHED', MISMATCHED: 'MISMATCHED' } as const;
registerEnumType(TradeMatchStatus, { name: 'TradeMatchStatus' });

export const TaxGrade = { A: 'A', B: 'B', M: 'M', C: 'C', D: 'D' } as const;
registerEnumType(TaxGrade, { name: 'TaxCreditGradeLetter', description: '纳税信用等级: A >= 90 points, B 70-89, M new or no revenue, C 40-69, D < 40' });

export { DisputeResolution, PaymentKind, PublicRecordKind, RecordKind, SoftSignalKind, VerificationStatus };
