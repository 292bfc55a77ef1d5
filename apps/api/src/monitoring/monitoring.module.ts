import { Module } from '@nestjs/common';
import { MonitoringResolver } from './monitoring.resolver';
import { MonitoringService } from './monitoring.service';

@Module({ providers: [MonitoringResolver, MonitoringService] })
export class MonitoringModule {}
