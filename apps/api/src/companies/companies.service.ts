import { Injectable } from '@nestjs/common';
import {
  type Actor,
  BadInputError,
  Clock,
  type Company,
  type Consortium,
  parseCreditCode,
  parseId,
  parseText,
} from '@app/domain';
import { AuditLogRepository, CompanyRepository, ConsortiumRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import type { Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';
import type { RegisterCompanyInput } from './dto/register-company.input';

/** Moved to @app/domain (records validate credit codes too); re-exported for existing callers. */
export { parseCreditCode } from '@app/domain';

@Injectable()
export class CompaniesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly companies: CompanyRepository,
    private readonly consortia: ConsortiumRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async register(actor: Actor, input: RegisterCompanyInput): Promise<Company> {
    this.policy.assertRole(actor, 'company.register');
    const consortiumId = parseId('input.consortiumId', input.consortiumId);
    const creditCode = parseCreditCode('input.creditCode', input.creditCode);
    const name = parseText('input.name', input.name, { max: 200 });
    return this.dataSource.transaction(async (tx) => {
      const consortium: Consortium | null = await this.consortia.findById(tx, consortiumId);
      if (!consortium) throw new BadInputError('input.consortiumId', 'input.consortiumId names no consortium');
      this.policy.assert(actor, 'company.register', { consortiumId });
      const company = await this.companies.insert(tx, consortiumId, { creditCode, name });
      await this.audit.append(
        tx,
        [{ action: 'company.registered', actorId: actor.id, consortiumId, companyId: company.id, details: { creditCode, name } }],
        this.clock.now(),
      );
      return company;
    });
  }

  async get(actor: Actor, idInput: string, loaders: Loaders): Promise<Company | null> {
    this.policy.assertRole(actor, 'company.read');
    const company = await loaders.company.load(parseId('id', idInput));
    if (!company) return null;
    this.policy.assert(actor, 'company.read', { companyId: company.id, consortiumId: company.consortiumId });
    return company;
  }
}
