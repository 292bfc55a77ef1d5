import { Module } from '@nestjs/common';
import { ConsentRequestsResolver } from './consent-requests.resolver';
import { ConsentsResolver } from './consents.resolver';
import { ConsentsService } from './consents.service';

@Module({
  providers: [ConsentsResolver, ConsentRequestsResolver, ConsentsService],
  exports: [ConsentsService],
})
export class ConsentsModule {}
