import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { Company } from '@app/domain';

@ObjectType('Company')
export class CompanyModel {
  @Field(() => ID) id: string;
  @Field({ description: 'Unified social credit code: 18 characters, check digit per GB 32100-2015' }) creditCode: string;
  @Field() name: string;
  consortiumId: string;
}

export function toCompanyModel(c: Company): CompanyModel {
  return Object.assign(new CompanyModel(), { id: c.id, creditCode: c.creditCode, name: c.name, consortiumId: c.consortiumId });
}
