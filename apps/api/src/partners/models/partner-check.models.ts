import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { Company, MemberPartnerActivity, PartnerCheck, PartnerCheckRules, PartnerView } from '@app/domain';
import { CompanyModel, toCompanyModel } from '@api/companies/models/company.model';

/** Contract `PartnerView`, exactly: flat on purpose, no path from it to records or reporters. */
@ObjectType('PartnerView', {
  description: "What a member sees of a trading partner in its own consortium: grade and payment behaviour, never records, statements or score details",
})
export class PartnerViewModel {
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field(() => String, { nullable: true, description: 'null until first rated' }) grade: string | null;
  @Field(() => Int, { nullable: true, description: '0..100 on the PAYDEX key of PRODUCT.md; null with fewer than 3 experiences' })
  paymentIndex: number | null;
  @Field(() => Int, { description: 'how many verified trade lines of the last 24 months the index rests on' }) verifiedTradeLines: number;
  @Field(() => Date, { nullable: true, description: 'when the grade was computed; null until first rated' }) asOf: Date | null;
}

export function toPartnerViewModel(v: PartnerView): PartnerViewModel {
  return Object.assign(new PartnerViewModel(), {
    creditCode: v.creditCode,
    companyName: v.companyName,
    grade: v.grade,
    paymentIndex: v.paymentIndex,
    verifiedTradeLines: v.verifiedTradeLines,
    asOf: v.asOf,
  });
}

/** Contract `PartnerCheck`: one check, as the checked company sees it. */
@ObjectType('PartnerCheck', { description: 'One partner check, as the checked company sees it' })
export class PartnerCheckModel {
  @Field(() => ID) id: string;
  @Field({ description: "the checking company's name" }) checker: string;
  @Field() at: Date;
}

export function toPartnerCheckModel(c: PartnerCheck): PartnerCheckModel {
  return Object.assign(new PartnerCheckModel(), { id: c.id, checker: c.checkerName, at: c.at });
}

@ObjectType('PartnerCheckRules', { description: "a consortium's give-to-get rules for partner checks" })
export class PartnerCheckRulesModel {
  @Field(() => Int, { description: 'a member may check while it has reported trade experiences in this many months' })
  contributionWindowMonths: number;
  @Field(() => Int, { description: 'the trade lines it must have reported in that window' }) minTradeLines: number;
  @Field(() => Int, { description: 'checks one member company may make per day (China Standard Time)' }) dailyCheckLimit: number;
  @Field({ description: "false while the consortium uses the platform's defaults" }) custom: boolean;
}

export const toPartnerCheckRulesModel = (r: PartnerCheckRules): PartnerCheckRulesModel => Object.assign(new PartnerCheckRulesModel(), { ...r });

@ObjectType('PartnerCheckAllowance', { description: "a company's standing under give to get: may it check partners, and how many checks are left today" })
export class PartnerCheckAllowanceModel {
  @Field(() => ID) companyId: string;
  @Field(() => PartnerCheckRulesModel) rules: PartnerCheckRulesModel;
  @Field({ description: 'the start of the contribution window' }) windowStart: Date;
  @Field(() => Int, { description: 'trade lines it reported as the supplier in the window' }) tradeLinesReported: number;
  @Field({ description: 'whether it contributes enough to check partners' }) qualifies: boolean;
  @Field(() => Int) checksToday: number;
  @Field(() => Int) checksLeftToday: number;
  @Field(() => Int, { description: 'checks it made in the window' }) checksMade: number;
  @Field({ description: 'when the daily count starts again (00:00 China Standard Time)' }) dailyLimitResetsAt: Date;
}

@ObjectType('MemberPartnerActivity', { description: 'one member: how much it contributes and how much it checks' })
export class MemberPartnerActivityModel {
  @Field(() => CompanyModel) company: CompanyModel;
  @Field(() => Int, { description: 'trade lines it reported as the supplier in the window' }) tradeLinesReported: number;
  @Field({ description: 'whether it contributes enough to check partners' }) qualifies: boolean;
  @Field(() => Int, { description: 'checks it made in the window' }) checksMade: number;
  @Field(() => Int) checksToday: number;
}

@ObjectType('PartnerCheckActivity', { description: "the consortium's members under give to get, for its coordinator" })
export class PartnerCheckActivityModel {
  @Field(() => PartnerCheckRulesModel) rules: PartnerCheckRulesModel;
  @Field({ description: 'the start of the contribution window' }) windowStart: Date;
  // one entry per member, each leading to a Company and its consortium's lists: priced as Consortium.members is
  @Field(() => [MemberPartnerActivityModel], { description: 'every member, by name', complexity: ({ childComplexity }) => 10 + 50 * childComplexity })
  members: MemberPartnerActivityModel[];
}

export function toMemberPartnerActivityModel(company: Company, a: MemberPartnerActivity, rules: PartnerCheckRules): MemberPartnerActivityModel {
  return Object.assign(new MemberPartnerActivityModel(), {
    company: toCompanyModel(company),
    tradeLinesReported: a.tradeLinesReported,
    qualifies: a.tradeLinesReported >= rules.minTradeLines,
    checksMade: a.checksMade,
    checksToday: a.checksToday,
  });
}
