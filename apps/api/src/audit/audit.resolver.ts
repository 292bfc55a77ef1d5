import { Args, Query, Resolver } from '@nestjs/graphql';
import { type Actor, BadInputError } from '@app/domain';
import { AuditLogRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { PolicyService } from '@api/policy/policy.service';
import { AuditCheckpointInput, AuditVerificationModel } from './models/audit-verification.model';

@Resolver()
export class AuditResolver {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
  ) {}

  @Query(() => AuditVerificationModel, {
    description:
      'ADMIN: verify the whole tamper-evident audit log; with a checkpoint published earlier, also that the log still reaches it unchanged (entries cut from its end leave a shorter chain that verifies alone)',
  })
  async verifyAuditLog(
    @CurrentActor() actor: Actor,
    @Args('checkpoint', { type: () => AuditCheckpointInput, nullable: true }) checkpoint?: AuditCheckpointInput | null,
  ): Promise<AuditVerificationModel> {
    this.policy.assert(actor, 'audit.verify');
    if (checkpoint) {
      if (!Number.isSafeInteger(checkpoint.seq) || checkpoint.seq < 1) throw new BadInputError('checkpoint.seq', 'checkpoint.seq must be a position in the log (1 or more)');
      if (!/^[0-9a-fA-F]{64}$/.test(checkpoint.hash)) throw new BadInputError('checkpoint.hash', 'checkpoint.hash must be a SHA-256 in hex (64 characters)');
    }
    return Object.assign(new AuditVerificationModel(), await this.audit.verify(this.dataSource.manager, { checkpoint }));
  }
}
