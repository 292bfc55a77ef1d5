import { Field, Float, ID, InputType, ObjectType } from '@nestjs/graphql';
import { CompanyModel } from '@api/companies/models/company.model';
import { DecimalScalar } from '@api/common/scalars';

@ObjectType('FundContribution')
export class FundContributionModel {
  @Field(() => CompanyModel) company: CompanyModel;
  @Field(() => DecimalScalar) amount: string;
}

@ObjectType('RiskParameters', { description: "A consortium's risk parameters as its standing and backed ratings use them (docs/scoring.md §4)" })
export class RiskParametersModel {
  @Field(() => Float, { description: 'loss given default, 0..1; default 0.45' }) lgd: number;
  @Field(() => Float, { description: 'multiplier on PDs for the stressed loss the fund must cover; default 3' }) stressFactor: number;
  @Field(() => Float, { description: 'W of joint default analysis: the chance the fund supports a member in need; default 0.5' }) supportProbability: number;
  @Field(() => Float, { description: 'rho: default correlation of a member and its own cluster; default 0.3' }) correlation: number;
  @Field(() => Float, { description: 'DebtRank stress at which a member is in distress; default 0.5' }) distressThreshold: number;
  @Field(() => [String], { description: 'the parameters the coordinator set; the others are the defaults' }) setByCoordinator: string[];
}

@ObjectType('GuaranteeFund', { description: "A consortium's mutual guarantee fund and risk parameters, managed by its coordinator" })
export class GuaranteeFundModel {
  @Field(() => ID) consortiumId: string;
  @Field(() => DecimalScalar, { description: 'what the fund holds, in yuan' }) balance: string;
  @Field(() => Float, { description: 'the share of each covered loss the fund pays, 0..1' }) coverageShare: number;
  @Field(() => [FundContributionModel], { description: "each member's contribution" }) contributions: FundContributionModel[];
  @Field(() => RiskParametersModel) riskParameters: RiskParametersModel;
}

@InputType()
export class FundContributionInput {
  @Field(() => ID) companyId: string;
  @Field(() => DecimalScalar, { description: 'in yuan, 0 or more' }) amount: string;
}

@InputType()
export class GuaranteeFundInput {
  @Field(() => DecimalScalar, { description: 'in yuan, 0 or more' }) balance: string;
  @Field(() => Float, { description: 'the share of each covered loss the fund pays, 0..1' }) coverageShare: number;
  @Field(() => [FundContributionInput], { nullable: true, description: "every member's contribution: the list replaces the one before ([] clears it); left out, the contributions stay" })
  contributions?: FundContributionInput[] | null;
}

@InputType({ description: 'every parameter at once; one left out or null is the default again' })
export class RiskParametersInput {
  @Field(() => Float, { nullable: true, description: 'above 0, at most 1' }) lgd?: number | null;
  @Field(() => Float, { nullable: true, description: '1 to 20' }) stressFactor?: number | null;
  @Field(() => Float, { nullable: true, description: '0 to 1' }) supportProbability?: number | null;
  @Field(() => Float, { nullable: true, description: '0 to 0.99' }) correlation?: number | null;
  @Field(() => Float, { nullable: true, description: 'above 0, at most 1' }) distressThreshold?: number | null;
}
