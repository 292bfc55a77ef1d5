import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { BanksService } from './banks.service';
import { CreateBankInput } from './dto/create-bank.input';
import { BankModel, toBankModel } from './models/bank.model';

@Resolver(() => BankModel)
export class BanksResolver {
  constructor(private readonly banks: BanksService) {}

  @Mutation(() => BankModel)
  async createBank(@CurrentActor() actor: Actor, @Args('input') input: CreateBankInput): Promise<BankModel> {
    return toBankModel(await this.banks.create(actor, input));
  }
}
