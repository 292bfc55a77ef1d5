import { Module } from '@nestjs/common';
import { CoordinatorResolver } from './coordinator.resolver';
import { CoordinatorService } from './coordinator.service';
import { GuaranteeFundResolver } from './guarantee-fund.resolver';
import { GuaranteeFundService } from './guarantee-fund.service';

@Module({ providers: [CoordinatorResolver, CoordinatorService, GuaranteeFundResolver, GuaranteeFundService] })
export class CoordinatorModule {}
