import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { BankModel, toBankModel } from '@api/banks/models/bank.model';
import { CompanyModel, toCompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { CreditRecordModel } from './models/credit-record.model';
import { DisputeModel, toDisputeModel } from './models/dispute.model';
import { RecordStatementModel, toRecordStatementModel } from './models/record-statement.model';
import { GuaranteeModel, LoanRecordModel, SoftSignalModel, toRecordModel, TradeExperienceModel } from './models/record-kinds.model';
import { TradeMatchStatus } from './models/record-enums';
import { RecordLoaderFactory } from './record-loaders';
import { RecordsService } from './records.service';

async function companyOf(ctx: RequestContext, id: string): Promise<CompanyModel> {
  const company = await ctx.loaders.company.load(id);
  if (!company) throw new Error(`record names a company ${id} that does not exist`);
  return toCompanyModel(company);
}

/**
 * Fields every record has. A record reaches a caller only through a query or mutation that
 * checked the caller may read it, and these fields show no more than the record itself.
 */
@Resolver(() => CreditRecordModel)
export class CreditRecordFieldsResolver {
  constructor(
    private readonly records: RecordsService,
    private readonly loaders: RecordLoaderFactory,
  ) {}

  @ResolveField(() => CompanyModel)
  subject(@Parent() record: CreditRecordModel, @Ctx() ctx: RequestContext): Promise<CompanyModel> {
    return companyOf(ctx, record.subjectId);
  }

  @ResolveField(() => [CreditRecordModel], {
    description: 'every version of this record, oldest first: corrections keep the old ones readable',
    complexity: ({ childComplexity }: { childComplexity: number }) => 10 + 10 * childComplexity,
  })
  async versions(@Parent() record: CreditRecordModel, @CurrentActor() actor: Actor): Promise<CreditRecordModel[]> {
    const today = this.records.today();
    return (await this.records.versions(actor, record.ledger)).map((v) => toRecordModel(v, today));
  }

  @ResolveField(() => DisputeModel, { nullable: true, description: 'the latest dispute of this record, open or settled' })
  async dispute(@Parent() record: CreditRecordModel, @Ctx() ctx: RequestContext): Promise<DisputeModel | null> {
    const found = await this.loaders.of(ctx).latestDispute.load(record.id);
    return found && toDisputeModel(found, this.records.now());
  }

  @ResolveField(() => RecordStatementModel, {
    nullable: true,
    description: "negative information: its subject's latest statement on it (explainRecord), shown to whoever reads the record and in bank reports",
  })
  async subjectStatement(@Parent() record: CreditRecordModel, @Ctx() ctx: RequestContext): Promise<RecordStatementModel | null> {
    const found = await this.loaders.of(ctx).subjectStatement.load(record.id);
    return found && toRecordStatementModel(found);
  }
}

@Resolver(() => TradeExperienceModel)
export class TradeExperienceFieldsResolver {
  constructor(private readonly loaders: RecordLoaderFactory) {}

  @ResolveField(() => CompanyModel)
  creditor(@Parent() record: TradeExperienceModel, @Ctx() ctx: RequestContext): Promise<CompanyModel> {
    return companyOf(ctx, record.creditorId);
  }

  @ResolveField(() => TradeMatchStatus, { nullable: true })
  async matchStatus(@Parent() record: TradeExperienceModel, @Ctx() ctx: RequestContext): Promise<string | null> {
    const found = await this.loaders.of(ctx).tradeMatch.load(`${record.id}:${record.version}`);
    return found?.outcome ?? null;
  }
}

@Resolver(() => SoftSignalModel)
export class SoftSignalFieldsResolver {
  constructor(private readonly loaders: RecordLoaderFactory) {}

  @ResolveField(() => Date, {
    nullable: true,
    description: "OWNER_CREDIT_BAND: when the owner withdrew the consent behind this signal (revokeOwnerConsent); from then on it does not count. Null while the consent stands, and for other kinds",
  })
  async ownerConsentRevokedAt(@Parent() record: SoftSignalModel, @Ctx() ctx: RequestContext): Promise<Date | null> {
    if (record.ownerConsentId === null) return null;
    return this.loaders.of(ctx).ownerConsentRevokedAt.load(record.ownerConsentId);
  }
}

@Resolver(() => GuaranteeModel)
export class GuaranteeFieldsResolver {
  @ResolveField(() => CompanyModel)
  guarantor(@Parent() record: GuaranteeModel, @Ctx() ctx: RequestContext): Promise<CompanyModel> {
    return companyOf(ctx, record.reporterCompanyId as string);
  }
}

@Resolver(() => LoanRecordModel)
export class LoanRecordFieldsResolver {
  @ResolveField(() => BankModel)
  async lender(@Parent() record: LoanRecordModel, @Ctx() ctx: RequestContext): Promise<BankModel> {
    const bank = await ctx.loaders.bank.load(record.reporterBankId as string);
    if (!bank) throw new Error(`loan record ${record.id} names no bank`);
    return toBankModel(bank);
  }
}

@Resolver(() => DisputeModel)
export class DisputeFieldsResolver {
  constructor(
    private readonly records: RecordsService,
    private readonly loaders: RecordLoaderFactory,
  ) {}

  /** The dispute list is the coordinator's (and ADMIN's), who read every record of the consortium that has not expired. */
  @ResolveField(() => CreditRecordModel)
  async record(@Parent() dispute: DisputeModel, @CurrentActor() actor: Actor, @Ctx() ctx: RequestContext): Promise<CreditRecordModel> {
    return toRecordModel(await this.records.disputedVersion(actor, dispute.dispute, this.loaders.of(ctx)), this.records.today());
  }
}
