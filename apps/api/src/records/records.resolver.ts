import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, DisputeResolution, RecordKind, VerificationStatus } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import {
  FinancialStatementInput,
  GuaranteeInput,
  LoanRecordInput,
  PaymentRecordInput,
  PublicRecordInput,
  SoftSignalInput,
  TaxCreditGradeInput,
  TradeExperienceInput,
  TradePayableInput,
} from './dto/record-inputs';
import { CreditRecordModel } from './models/credit-record.model';
import { DisputeModel, toDisputeModel } from './models/dispute.model';
import { RecordLedgerVerificationModel, toLedgerVerificationModel } from './models/ledger-verification.model';
import {
  FinancialStatementModel,
  GuaranteeModel,
  LoanRecordModel,
  PaymentRecordModel,
  PublicRecordModel,
  SoftSignalModel,
  TaxCreditGradeRecordModel,
  toRecordModel,
  TradeExperienceModel,
} from './models/record-kinds.model';
import { RecordsService } from './records.service';

const KEY = { type: () => String, nullable: true, description: 'optional: a replay with the same key answers the first call; the same key with other input is CONFLICT' };
const LIST_COST = { complexity: ({ childComplexity }: { childComplexity: number }) => 10 + 50 * childComplexity };

@Resolver()
export class RecordsResolver {
  constructor(private readonly service: RecordsService) {}

  private model<T extends CreditRecordModel>(v: Parameters<typeof toRecordModel>[0]): T {
    return toRecordModel(v, this.service.today()) as T;
  }

  @Mutation(() => TradeExperienceModel, { description: "MEMBER: the caller's company is the creditor; the same input again returns the same record" })
  async reportTradeExperience(@CurrentActor() actor: Actor, @Args('input') input: TradeExperienceInput, @Args('idempotencyKey', KEY) key?: string): Promise<TradeExperienceModel> {
    return this.model(await this.service.reportTradeExperience(actor, input, key));
  }

  @Mutation(() => TradeExperienceModel, { description: "MEMBER: the caller's company owes the invoice; it verifies, or is flagged against, the supplier's filing" })
  async reportTradePayable(@CurrentActor() actor: Actor, @Args('input') input: TradePayableInput, @Args('idempotencyKey', KEY) key?: string): Promise<TradeExperienceModel> {
    return this.model(await this.service.reportTradePayable(actor, input, key));
  }

  @Mutation(() => FinancialStatementModel, { description: "MEMBER: the caller's own company; one per fiscal year, a new submission is a new version" })
  async submitFinancialStatement(
    @CurrentActor() actor: Actor,
    @Args('input') input: FinancialStatementInput,
    @Args('idempotencyKey', KEY) key?: string,
  ): Promise<FinancialStatementModel> {
    return this.model(await this.service.submitFinancialStatement(actor, input, key));
  }

  @Mutation(() => PaymentRecordModel, { description: 'MEMBER for its own company (pending); COORDINATOR from an official export (verified)' })
  async filePaymentRecord(@CurrentActor() actor: Actor, @Args('input') input: PaymentRecordInput, @Args('idempotencyKey', KEY) key?: string): Promise<PaymentRecordModel> {
    return this.model(await this.service.filePaymentRecord(actor, input, key));
  }

  @Mutation(() => TaxCreditGradeRecordModel, { description: 'MEMBER for its own company (pending); COORDINATOR from the tax bureau\'s list (verified)' })
  async fileTaxCreditGrade(
    @CurrentActor() actor: Actor,
    @Args('input') input: TaxCreditGradeInput,
    @Args('idempotencyKey', KEY) key?: string,
  ): Promise<TaxCreditGradeRecordModel> {
    return this.model(await this.service.fileTaxCreditGrade(actor, input, key));
  }

  @Mutation(() => LoanRecordModel, { description: 'BANK: a loan to a company on the platform; verified on filing' })
  async fileLoanRecord(@CurrentActor() actor: Actor, @Args('input') input: LoanRecordInput, @Args('idempotencyKey', KEY) key?: string): Promise<LoanRecordModel> {
    return this.model(await this.service.fileLoanRecord(actor, input, key));
  }

  @Mutation(() => PublicRecordModel, { description: "the subject's COORDINATOR, from court and registry exports; verified on filing" })
  async filePublicRecord(@CurrentActor() actor: Actor, @Args('input') input: PublicRecordInput, @Args('idempotencyKey', KEY) key?: string): Promise<PublicRecordModel> {
    return this.model(await this.service.filePublicRecord(actor, input, key));
  }

  @Mutation(() => GuaranteeModel, { description: "MEMBER: the caller's company guarantees a fellow member's debt; the borrower confirms" })
  async fileGuarantee(@CurrentActor() actor: Actor, @Args('input') input: GuaranteeInput, @Args('idempotencyKey', KEY) key?: string): Promise<GuaranteeModel> {
    return this.model(await this.service.fileGuarantee(actor, input, key));
  }

  @Mutation(() => SoftSignalModel, { description: "MEMBER: about its own company, with evidence; the coordinator verifies" })
  async fileSoftSignal(@CurrentActor() actor: Actor, @Args('input') input: SoftSignalInput, @Args('idempotencyKey', KEY) key?: string): Promise<SoftSignalModel> {
    return this.model(await this.service.fileSoftSignal(actor, input, key));
  }

  @Mutation(() => CreditRecordModel, { description: 'MEMBER of the subject' })
  async confirmRecord(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Args('idempotencyKey', KEY) key?: string): Promise<CreditRecordModel> {
    return this.model(await this.service.confirm(actor, id, key));
  }

  @Mutation(() => CreditRecordModel, { description: 'MEMBER of the subject' })
  async disputeRecord(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
    @Args('idempotencyKey', KEY) key?: string,
  ): Promise<CreditRecordModel> {
    return this.model(await this.service.dispute(actor, id, reason, key));
  }

  @Mutation(() => CreditRecordModel, {
    description:
      "MEMBER of the subject: its statement on negative information about it (Art. 16), shown with the record and in bank reports while the record shows; it replaces the company's earlier statement and changes no rating",
  })
  async explainRecord(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('statement') statement: string,
    @Args('idempotencyKey', KEY) key?: string,
  ): Promise<CreditRecordModel> {
    return this.model(await this.service.explain(actor, id, statement, key));
  }

  @Mutation(() => CreditRecordModel, { description: "the subject's COORDINATOR" })
  async verifyRecord(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Args('idempotencyKey', KEY) key?: string): Promise<CreditRecordModel> {
    return this.model(await this.service.verify(actor, id, key));
  }

  @Mutation(() => CreditRecordModel, {
    description:
      "the subject's MEMBER, or its COORDINATOR on the owner's written request: the owner withdrew the consent behind an OWNER_CREDIT_BAND signal; no signal it backs counts from the company's next recompute (queued now). Revoking again changes nothing",
  })
  async revokeOwnerConsent(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Args('idempotencyKey', KEY) key?: string): Promise<CreditRecordModel> {
    return this.model(await this.service.revokeOwnerConsent(actor, id, key));
  }

  @Mutation(() => CreditRecordModel, { description: "the subject's COORDINATOR; answers the version the dispute was about" })
  async resolveDispute(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('resolution', { type: () => DisputeResolution }) resolution: DisputeResolution,
    @Args('note') note: string,
    @Args('idempotencyKey', KEY) key?: string,
  ): Promise<CreditRecordModel> {
    return this.model(await this.service.resolveDispute(actor, id, resolution, note, key));
  }

  @Query(() => [CreditRecordModel], {
    description: 'ADMIN; the consortium\'s COORDINATOR; a MEMBER for its own company (records about it and records it filed). Newest first.',
    ...LIST_COST,
  })
  async records(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID }) companyId: string,
    @Args('status', { type: () => VerificationStatus, nullable: true }) status?: VerificationStatus,
    @Args('kind', { type: () => RecordKind, nullable: true }) kind?: RecordKind,
    @Args('includeExpired', { type: () => Boolean, defaultValue: false, description: 'ADMIN: negative information past its 5 years, kept for audit' })
    includeExpired?: boolean,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit?: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset?: number,
  ): Promise<CreditRecordModel[]> {
    const found = await this.service.list(actor, companyId, { status, kind, includeExpired, limit, offset });
    return found.map((v) => this.model(v));
  }

  @Query(() => CreditRecordModel, { nullable: true, description: 'one record (the version that counts), for those who may read it' })
  async record(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<CreditRecordModel | null> {
    const found = await this.service.get(actor, id);
    return found && this.model(found);
  }

  @Query(() => [DisputeModel], { description: "ADMIN; the consortium's COORDINATOR: open disputes first, by deadline", ...LIST_COST })
  async disputes(
    @CurrentActor() actor: Actor,
    @Args('consortiumId', { type: () => ID }) consortiumId: string,
    @Args('openOnly', { type: () => Boolean, defaultValue: true }) openOnly: boolean,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<DisputeModel[]> {
    const now = this.service.now();
    return (await this.service.disputeList(actor, consortiumId, openOnly, limit, offset)).map((d) => toDisputeModel(d, now));
  }

  @Query(() => RecordLedgerVerificationModel, { description: 'ADMIN: recompute every record version\'s hash and compare it with the audit log, whose chain is checked too' })
  async verifyRecordLedger(@CurrentActor() actor: Actor): Promise<RecordLedgerVerificationModel> {
    const { chain, ledger } = await this.service.verifyLedger(actor);
    return toLedgerVerificationModel(chain, ledger);
  }
}
