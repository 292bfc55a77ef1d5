import { Module } from '@nestjs/common';
import { CoordinatorResolver } from './coordinator.resolver';
import { CoordinatorService } from './coordinator.service';

@Module({ providers: [CoordinatorResolver, CoordinatorService] })
export class CoordinatorModule {}
