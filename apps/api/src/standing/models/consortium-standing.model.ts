import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { CompanyModel } from '@api/companies/models/company.model';
import { DecimalScalar } from '@api/common/scalars';

@ObjectType('GradeCount')
export class GradeCountModel {
  @Field() grade: string;
  @Field(() => Int) count: number;
}

@ObjectType('SystemicRisk')
export class SystemicRiskModel {
  @Field(() => CompanyModel) company: CompanyModel;
  @Field(() => Float, { description: '0..1' }) debtRank: number;
}

@ObjectType('ConsortiumStanding')
export class ConsortiumStandingModel {
  @Field() grade: string;
  @Field(() => Float, { description: 'exposure-weighted mean member PD' }) weightedPd: number;
  @Field(() => DecimalScalar) expectedLoss: string;
  @Field(() => [GradeCountModel]) gradeDistribution: GradeCountModel[];
  @Field(() => Float, { description: 'Herfindahl-Hirschman index of exposures, 0..1' }) concentrationHhi: number;
  @Field(() => Float, { description: 'guarantee fund / stressed expected loss' }) guaranteeCoverage: number;
  @Field(() => [SystemicRiskModel], { description: 'members by DebtRank, highest first' }) systemicRisk: SystemicRiskModel[];
  @Field() computedAt: Date;
}
