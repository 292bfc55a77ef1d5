import { Injectable } from '@nestjs/common';
import { type Actor, Clock, type Company, type Consortium, parseId, parseText } from '@app/domain';
import { AuditLogRepository, ConsortiumRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import type { Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';
import type { CreateConsortiumInput } from './dto/create-consortium.input';

@Injectable()
export class ConsortiaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consortia: ConsortiumRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateConsortiumInput): Promise<Consortium> {
    this.policy.assert(actor, 'consortium.create');
    const fields = {
      name: parseText('input.name', input.name, { max: 120 }),
      region: parseText('input.region', input.region, { max: 120 }),
      industry: parseText('input.industry', input.industry, { max: 120 }),
    };
    return this.dataSource.transaction(async (tx) => {
      const consortium = await this.consortia.insert(tx, fields);
      await this.audit.append(tx, [{ action: 'consortium.created', actorId: actor.id, consortiumId: consortium.id, details: fields }], this.clock.now());
      return consortium;
    });
  }

  /** The consortium, null when there is none with this id, FORBIDDEN when it is not the caller's. */
  async get(actor: Actor, idInput: string, loaders: Loaders): Promise<Consortium | null> {
    this.policy.assertRole(actor, 'consortium.read');
    const consortium = await loaders.consortium.load(parseId('id', idInput));
    if (!consortium) return null;
    this.policy.assert(actor, 'consortium.read', { consortiumId: consortium.id });
    return consortium;
  }

  async members(actor: Actor, consortiumId: string, loaders: Loaders): Promise<Company[]> {
    this.policy.assert(actor, 'consortium.members.read', { consortiumId });
    return loaders.membersOfConsortium.load(consortiumId);
  }
}
