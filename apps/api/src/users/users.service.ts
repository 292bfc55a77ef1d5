import { Injectable } from '@nestjs/common';
import {
  type Actor,
  BadInputError,
  Clock,
  parseEmail,
  parseId,
  passwordProblem,
  type Role,
  type User,
} from '@app/domain';
import { AuditLogRepository, BankRepository, CompanyRepository, ConsortiumRepository, type Db, UserRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { PasswordService } from '@api/auth/password.service';
import type { PolicyTarget } from '@api/policy/policy';
import { PolicyService } from '@api/policy/policy.service';
import type { CreateUserInput } from './dto/create-user.input';

/** Which tenant id each role must have, and must not have. */
const TENANT_FIELD: Readonly<Record<Role, 'companyId' | 'consortiumId' | 'bankId' | null>> = {
  ADMIN: null,
  COORDINATOR: 'consortiumId',
  MEMBER: 'companyId',
  BANK: 'bankId',
};

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly companies: CompanyRepository,
    private readonly consortia: ConsortiumRepository,
    private readonly banks: BankRepository,
    private readonly audit: AuditLogRepository,
    private readonly passwords: PasswordService,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  /** ADMIN creates anyone; a COORDINATOR creates MEMBER users of its own consortium's companies. */
  async create(actor: Actor, input: CreateUserInput): Promise<User> {
    const operation = input.role === 'MEMBER' ? 'user.create.member' : 'user.create.staff';
    this.policy.assertRole(actor, operation);

    const email = parseEmail('input.email', input.email);
    // the rule sign-in and the bootstrap ADMIN follow too: a password set here can be used
    const passwordWrong = passwordProblem(input.password);
    if (passwordWrong) throw new BadInputError('input.password', `input.password ${passwordWrong}`);
    const required = TENANT_FIELD[input.role];
    for (const field of ['companyId', 'consortiumId', 'bankId'] as const) {
      const given = input[field] !== undefined && input[field] !== null;
      if (field === required && !given) throw new BadInputError(`input.${field}`, `a ${input.role} user needs input.${field}`);
      if (field !== required && given) throw new BadInputError(`input.${field}`, `input.${field} is not used for a ${input.role} user; leave it out`);
    }
    const tenantId = required ? parseId(`input.${required}`, input[required]) : null;

    return this.dataSource.transaction(async (tx) => {
      const target = await this.tenantTarget(tx, input.role, tenantId);
      this.policy.assert(actor, operation, target);
      const user = await this.users.insert(tx, {
        email,
        passwordHash: await this.passwords.hash(input.password),
        role: input.role,
        companyId: input.role === 'MEMBER' ? tenantId : null,
        consortiumId: input.role === 'COORDINATOR' ? tenantId : null,
        bankId: input.role === 'BANK' ? tenantId : null,
      });
      await this.audit.append(
        tx,
        [
          {
            action: 'user.created',
            actorId: actor.id,
            consortiumId: user.consortiumId,
            companyId: user.companyId,
            details: { userId: user.id, role: user.role, bankId: user.bankId },
          },
        ],
        this.clock.now(),
      );
      return user;
    });
  }

  /** The tenant the new user will belong to, checked to exist. */
  private async tenantTarget(db: Db, role: Role, tenantId: string | null): Promise<PolicyTarget> {
    switch (role) {
      case 'ADMIN':
        return {};
      case 'MEMBER': {
        const company = await this.companies.findById(db, tenantId as string);
        if (!company) throw new BadInputError('input.companyId', 'input.companyId names no company');
        return { companyId: company.id, consortiumId: company.consortiumId };
      }
      case 'COORDINATOR': {
        if (!(await this.consortia.findById(db, tenantId as string))) throw new BadInputError('input.consortiumId', 'input.consortiumId names no consortium');
        return { consortiumId: tenantId };
      }
      case 'BANK': {
        if (!(await this.banks.findById(db, tenantId as string))) throw new BadInputError('input.bankId', 'input.bankId names no bank');
        return { bankId: tenantId };
      }
    }
  }
}
