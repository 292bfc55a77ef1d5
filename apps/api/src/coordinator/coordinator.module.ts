import { Module } from '@nestjs/common';
import { CoordinatorResolver } from './coordinator.resolver';
import { CoordinatorService } from './coordinator.service';
import { GuaranteeFundResolver } from './guarantee-fund.resolver';
import { GuaranteeFundService } from './guarantee-fund.service';
import { RatingModelsResolver } from './rating-models.resolver';
import { RatingModelsService } from './rating-models.service';

@Module({ providers: [CoordinatorResolver, CoordinatorService, GuaranteeFundResolver, GuaranteeFundService, RatingModelsResolver, RatingModelsService] })
export class CoordinatorModule {}
