import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { Consortium } from '@app/domain';

@ObjectType('Consortium')
export class ConsortiumModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() region: string;
  @Field() industry: string;
}

export function toConsortiumModel(c: Consortium): ConsortiumModel {
  return Object.assign(new ConsortiumModel(), { id: c.id, name: c.name, region: c.region, industry: c.industry });
}
