import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { CompanyModel } from '@api/companies/models/company.model';
import { DecimalScalar } from '@api/common/scalars';
import { GRADES } from '@app/domain/scoring';

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
  // one entry per grade of the scale at most, not the default 50 of an unpriced list
  @Field(() => [GradeCountModel], { complexity: ({ childComplexity }) => GRADES.length * childComplexity }) gradeDistribution: GradeCountModel[];
  @Field(() => Float, { description: 'Herfindahl-Hirschman index of exposures, 0..1' }) concentrationHhi: number;
  @Field(() => Float, { description: 'guarantee fund / stressed expected loss' }) guaranteeCoverage: number;
  // one entry per member, each leading back to a Company and its consortium's standing: priced
  // as Consortium.members is, or aliased nestings of it return members^2 companies for a few points
  @Field(() => [SystemicRiskModel], { description: 'members by DebtRank, highest first', complexity: ({ childComplexity }) => 10 + 50 * childComplexity })
  systemicRisk: SystemicRiskModel[];
  @Field() computedAt: Date;
}
