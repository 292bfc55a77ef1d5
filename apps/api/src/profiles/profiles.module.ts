import { Module } from '@nestjs/common';
import { ProfilesResolver } from './profiles.resolver';
import { ProfilesService } from './profiles.service';
import { PublicPagesController } from './public-pages.controller';
import { PublicPagesService } from './public-pages.service';

/** The public credit profile: its settings in GraphQL, its page and badge under /p/. */
@Module({
  controllers: [PublicPagesController],
  providers: [ProfilesResolver, ProfilesService, PublicPagesService],
})
export class ProfilesModule {}
