import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Role, type User } from '@app/domain';

registerEnumType(Role, { name: 'Role' });

@ObjectType('User')
export class UserModel {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => Role) role: Role;
  companyId: string | null;
  consortiumId: string | null;
  bankId: string | null;
}

export function toUserModel(user: User): UserModel {
  return Object.assign(new UserModel(), {
    id: user.id,
    email: user.email,
    role: user.role,
    companyId: user.companyId,
    consortiumId: user.role === 'COORDINATOR' ? user.consortiumId : null,
    bankId: user.bankId,
  });
}
