import { Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { AuditLogRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { PolicyService } from '@api/policy/policy.service';
import { AuditVerificationModel } from './models/audit-verification.model';

@Resolver()
export class AuditResolver {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
  ) {}

  @Query(() => AuditVerificationModel, { description: 'ADMIN: verify the whole tamper-evident audit log' })
  async verifyAuditLog(@CurrentActor() actor: Actor): Promise<AuditVerificationModel> {
    this.policy.assert(actor, 'audit.verify');
    return Object.assign(new AuditVerificationModel(), await this.audit.verify(this.dataSource.manager));
  }
}
