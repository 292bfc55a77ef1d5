import { Module } from '@nestjs/common';
import { PartnersResolver } from './partners.resolver';
import { PartnersService } from './partners.service';

/** Partner checks: give to get, the daily limit, the log the checked company sees. */
@Module({ providers: [PartnersResolver, PartnersService] })
export class PartnersModule {}
