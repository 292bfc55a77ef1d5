import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { Bank } from '@app/domain';

@ObjectType('Bank')
export class BankModel {
  @Field(() => ID) id: string;
  @Field() name: string;
}

export function toBankModel(b: Bank): BankModel {
  return Object.assign(new BankModel(), { id: b.id, name: b.name });
}
