import { Injectable } from '@nestjs/common';
import { type Actor, type Bank, Clock, parseText } from '@app/domain';
import { AuditLogRepository, BankRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { PolicyService } from '@api/policy/policy.service';
import type { CreateBankInput } from './dto/create-bank.input';

@Injectable()
export class BanksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly banks: BankRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateBankInput): Promise<Bank> {
    this.policy.assert(actor, 'bank.create');
    const name = parseText('input.name', input.name, { max: 200 });
    return this.dataSource.transaction(async (tx) => {
      const bank = await this.banks.insert(tx, { name });
      await this.audit.append(tx, [{ action: 'bank.created', actorId: actor.id, details: { bankId: bank.id, name } }], this.clock.now());
      return bank;
    });
  }
}
