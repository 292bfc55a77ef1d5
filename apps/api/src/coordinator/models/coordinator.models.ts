import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CompanyModel } from '@api/companies/models/company.model';
import { CalendarDateScalar, DecimalScalar } from '@api/common/scalars';
import { ConsortiumModel } from '@api/consortia/models/consortium.model';

export const EarlyWarningKind = { DOWNGRADE: 'DOWNGRADE', PAYMENT_WORSENING: 'PAYMENT_WORSENING', DISPUTE_DEADLINE: 'DISPUTE_DEADLINE' } as const;
export type EarlyWarningKindValue = keyof typeof EarlyWarningKind;
registerEnumType(EarlyWarningKind, {
  name: 'EarlyWarningKind',
  valuesMap: {
    DOWNGRADE: { description: 'the member was downgraded in the last 90 days' },
    PAYMENT_WORSENING: { description: 'its payment behaviour worsened over the last 3 months against the 9 before' },
    DISPUTE_DEADLINE: { description: 'a dispute about its records is near (or past) its 20-day deadline' },
  },
});

export const WarningSeverity = { HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW' } as const;
export type WarningSeverityValue = keyof typeof WarningSeverity;
registerEnumType(WarningSeverity, { name: 'WarningSeverity' });

/** The price of a list of a consortium's members: up to 50 of what is asked of each. */
const MEMBER_LIST_COST = ({ childComplexity }: { childComplexity: number }): number => 10 + 50 * childComplexity;

@ObjectType('ScorePoint')
export class ScorePointModel {
  @Field({ description: 'YYYY-MM: the last rating of the month' }) month: string;
  @Field(() => Int) score: number;
  @Field() grade: string;
}

@ObjectType('MemberOverview', { description: "A member as its coordinator watches it" })
export class MemberOverviewModel {
  @Field(() => CompanyModel) company: CompanyModel;
  @Field(() => String, { nullable: true, description: 'null until first rated' }) grade: string | null;
  @Field(() => Int, { nullable: true }) score: number | null;
  @Field(() => Float, { nullable: true }) pd: number | null;
  @Field(() => String, { nullable: true }) backedGrade: string | null;
  @Field(() => Date, { nullable: true }) ratedAt: Date | null;
  @Field(() => [ScorePointModel], { description: 'the last 12 months, oldest first' }) scoreTrend: ScorePointModel[];
  @Field(() => Int, { nullable: true, description: 'score now minus score 3 months ago; null without both' }) scoreChange3m: number | null;
  @Field(() => Int, { description: 'VERIFIED records its rating rests on' }) verifiedRecords: number;
}

@ObjectType('EarlyWarning')
export class EarlyWarningModel {
  @Field(() => EarlyWarningKind) kind: EarlyWarningKindValue;
  @Field(() => WarningSeverity) severity: WarningSeverityValue;
  @Field(() => CompanyModel) company: CompanyModel;
  @Field() message: string;
  @Field({ description: 'when the warning arose' }) at: Date;
  @Field(() => String, { nullable: true }) oldGrade: string | null;
  @Field(() => String, { nullable: true }) newGrade: string | null;
  @Field(() => CalendarDateScalar, { nullable: true, description: 'DISPUTE_DEADLINE: the legal deadline' }) deadline: string | null;
}

@ObjectType('NetworkNode')
export class NetworkNodeModel {
  @Field(() => CompanyModel) company: CompanyModel;
  @Field(() => Float, { description: "DebtRank (Battiston et al. 2012): the share of the cluster's economic value its default would put under stress, 0..1" })
  debtRank: number;
  @Field(() => String, { nullable: true }) grade: string | null;
}

@ObjectType('NetworkEdge', { description: 'If `from` defaults, `to` loses `amount`' })
export class NetworkEdgeModel {
  @Field({ description: 'GUARANTEE (from = borrower, to = guarantor) or OVERDUE_PAYABLE (from = debtor, to = creditor)' }) kind: string;
  @Field(() => CompanyModel) from: CompanyModel;
  @Field(() => CompanyModel) to: CompanyModel;
  @Field(() => DecimalScalar) amount: string;
}

@ObjectType('GuaranteeNetwork')
export class GuaranteeNetworkModel {
  @Field(() => [NetworkNodeModel], { description: 'members by DebtRank, highest first' }) nodes: NetworkNodeModel[];
  @Field(() => [NetworkEdgeModel]) edges: NetworkEdgeModel[];
  @Field(() => Date, { nullable: true, description: 'the standing the DebtRanks come from' }) computedAt: Date | null;
}

@ObjectType('CoordinatorView', { description: "The coordinator's view of its cluster; each part is computed only when asked for" })
export class CoordinatorViewModel {
  @Field(() => ConsortiumModel, { description: 'with its contract `standing`' }) consortium: ConsortiumModel;
  consortiumId: string;
}

@ObjectType('StressedMember')
export class StressedMemberModel {
  @Field(() => CompanyModel) company: CompanyModel;
  @Field(() => Float, { description: 'DebtRank stress: the share of its equity lost, 0..1' }) stress: number;
  @Field(() => DecimalScalar) equityLoss: string;
}

@ObjectType('StressTestResult', { description: '"If these members default": the contagion through the guarantee and payables network' })
export class StressTestResultModel {
  // lists of members, each leading to a Company and its consortium's lists: priced as
  // Consortium.members is, so that asking each member's members costs what it returns
  @Field(() => [CompanyModel], { complexity: MEMBER_LIST_COST }) defaulted: CompanyModel[];
  @Field(() => [StressedMemberModel], { description: 'members pushed into distress, most stressed first', complexity: MEMBER_LIST_COST })
  distressed: StressedMemberModel[];
  @Field(() => [CompanyModel], { description: 'members that lose all their equity', complexity: MEMBER_LIST_COST }) additionalDefaults: CompanyModel[];
  @Field(() => Float, { description: 'DebtRank of the shock, 0..1' }) debtRank: number;
  @Field(() => DecimalScalar, { description: 'equity lost by the other members' }) equityLoss: string;
  @Field(() => DecimalScalar, { description: 'expected credit loss to the banks after the shock' }) creditLoss: string;
  @Field(() => DecimalScalar, { description: 'the part of it the guarantee fund can pay' }) fundPays: string;
}
