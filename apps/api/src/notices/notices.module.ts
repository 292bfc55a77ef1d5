import { Module } from '@nestjs/common';
import { NoticesResolver } from './notices.resolver';
import { NoticesService } from './notices.service';

/** Notices to companies and coordinators, and their acknowledgement. */
@Module({ providers: [NoticesService, NoticesResolver] })
export class NoticesModule {}
