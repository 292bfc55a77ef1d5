import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type Actor,
  apiInput,
  assessNegative,
  BadInputError,
  canonicalJson,
  Clock,
  type Company,
  ConflictError,
  type CreditRecordVersion,
  DISPUTE_ALERT_DAYS,
  DISPUTE_DEADLINE_DAYS,
  type Dispute,
  type DisputeResolution,
  type Evidence,
  ForbiddenError,
  MAX_RECORD_STATEMENT,
  NotFoundError,
  parseCounterpartyCode,
  parseFinancialStatementInput,
  parseGuaranteeInput,
  parseId,
  parseLoanRecordInput,
  parsePage,
  parsePaymentRecordInput,
  parsePublicRecordInput,
  parseSoftSignalInput,
  parseTaxCreditGradeInput,
  parseText,
  parseTradeExperienceInput,
  type RecordKind,
  type RecordPayloads,
  refuseExpiredNegative,
  type ReporterRole,
  type StatusAction,
  toCalendarDate,
  type TradeExperiencePayload,
  type VerificationStatus,
  negativeCountsFrom,
  nextStatus,
} from '@app/domain';
import { JobName } from '@app/jobs';
import {
  type AuditEntry,
  AuditLogRepository,
  CompanyRepository,
  CreditRecordRepository,
  type Db,
  DisputeRepository,
  IdempotencyRepository,
  NoticeRepository,
  type AuditVerification,
  type LedgerVerification,
  OutboxRepository,
  OwnerConsentRepository,
  recordFiledEntry,
  RecordLedgerRepository,
  RecordStatementRepository,
  TradeMatchRepository,
} from '@app/persistence';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import type { Operation } from '@api/policy/policy';
import { PolicyService } from '@api/policy/policy.service';
import type { RecordLoaders } from './record-loaders';
import type {
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

const DAY_MS = 86_400_000;

/** A version about to be filed, with everything the ledger needs to place it. */
interface Filing<K extends RecordKind> {
  readonly kind: K;
  readonly subject: Company;
  readonly reporterCompanyId: string | null;
  readonly reporterBankId: string | null;
  readonly reporterRole: ReporterRole;
  readonly filedStatus: 'PENDING' | 'VERIFIED';
  readonly payload: RecordPayloads[K];
  readonly evidence: Evidence | null;
}

export interface RecordListQuery {
  readonly status?: VerificationStatus | null;
  readonly kind?: RecordKind | null;
  readonly includeExpired?: boolean | null;
  readonly limit?: number | null;
  readonly offset?: number | null;
}

export const MAX_PAGE = 500;

/** The record id an idempotency key replays. */
interface RecordRef extends Record<string, unknown> {
  readonly kind: RecordKind;
  readonly recordId: string;
  readonly version: number;
}

/**
 * The records use cases: filing every kind, the verification state machine, disputes, and
 * the reads. Each mutation runs in one transaction that also appends the audit log, writes
 * the notices the law asks for and the outbox rows of the ratings it moves.
 */
@Injectable()
export class RecordsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly records: CreditRecordRepository,
    private readonly companies: CompanyRepository,
    private readonly disputes: DisputeRepository,
    private readonly notices: NoticeRepository,
    private readonly matches: TradeMatchRepository,
    private readonly consents: OwnerConsentRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly ledger: RecordLedgerRepository,
    private readonly statements: RecordStatementRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  today(): string {
    return toCalendarDate(this.clock.now());
  }

  /** ADMIN: the audit chain, then every record version against it. */
  async verifyLedger(actor: Actor): Promise<{ chain: AuditVerification; ledger: LedgerVerification }> {
    this.policy.assert(actor, 'record.ledger.verify');
    const db = this.dataSource.manager;
    return { chain: await this.audit.verify(db), ledger: await this.ledger.verify(db) };
  }

  // ---- filing ----------------------------------------------------------------------

  /** A supplier reports an invoice of a fellow member (the debtor, the record's subject). */
  async reportTradeExperience(actor: Actor, input: TradeExperienceInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'TRADE_EXPERIENCE'>> {
    this.policy.assertRole(actor, 'record.trade.report');
    const ctx = apiInput(this.today());
    const debtorCode = parseCounterpartyCode(ctx, 'debtorCreditCode', input.debtorCreditCode);
    const values = parseTradeExperienceInput(ctx, input as unknown as Record<string, unknown>);
    return this.run(actor, 'reportTradeExperience', { debtorCode, values }, idempotencyKey, async (tx) => {
      const creditor = await this.ownCompany(tx, actor, 'record.trade.report');
      const debtor = await this.fellowMember(tx, creditor, 'input.debtorCreditCode', debtorCode, 'trade with itself');
      const { evidence, ...rest } = values;
      return this.fileTrade(tx, actor, {
        kind: 'TRADE_EXPERIENCE',
        subject: debtor,
        reporterCompanyId: creditor.id,
        reporterBankId: null,
        reporterRole: 'MEMBER',
        filedStatus: 'PENDING',
        payload: { side: 'SUPPLIER', creditorId: creditor.id, ...rest },
        evidence,
      });
    });
  }

  /** A buyer files its own payable; it verifies, or is flagged against, the supplier's receivable. */
  async reportTradePayable(actor: Actor, input: TradePayableInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'TRADE_EXPERIENCE'>> {
    this.policy.assertRole(actor, 'record.trade.reportPayable');
    const ctx = apiInput(this.today());
    const creditorCode = parseCounterpartyCode(ctx, 'creditorCreditCode', input.creditorCreditCode);
    const values = parseTradeExperienceInput(ctx, input as unknown as Record<string, unknown>);
    return this.run(actor, 'reportTradePayable', { creditorCode, values }, idempotencyKey, async (tx) => {
      const buyer = await this.ownCompany(tx, actor, 'record.trade.reportPayable');
      const creditor = await this.fellowMember(tx, buyer, 'input.creditorCreditCode', creditorCode, 'trade with itself');
      const { evidence, ...rest } = values;
      return this.fileTrade(tx, actor, {
        kind: 'TRADE_EXPERIENCE',
        subject: buyer,
        reporterCompanyId: buyer.id,
        reporterBankId: null,
        reporterRole: 'MEMBER',
        filedStatus: 'PENDING',
        payload: { side: 'BUYER', creditorId: creditor.id, ...rest },
        evidence,
      });
    });
  }

  /** A member's yearly statement; an auditor's report (its hash) verifies it on filing. */
  async submitFinancialStatement(actor: Actor, input: FinancialStatementInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'FINANCIAL_STATEMENT'>> {
    this.policy.assertRole(actor, 'record.statement.submit');
    const { payload, evidence } = parseFinancialStatementInput(apiInput(this.today()), input as unknown as Record<string, unknown>);
    return this.run(actor, 'submitFinancialStatement', { payload, evidence }, idempotencyKey, async (tx) => {
      const company = await this.ownCompany(tx, actor, 'record.statement.submit');
      return this.file(tx, actor, {
        kind: 'FINANCIAL_STATEMENT',
        subject: company,
        reporterCompanyId: company.id,
        reporterBankId: null,
        reporterRole: 'MEMBER',
        filedStatus: payload.audited ? 'VERIFIED' : 'PENDING',
        payload,
        evidence,
      });
    });
  }

  /** A tax, social insurance, utility or rent payment: by the company itself, or the coordinator from an official export (verified). */
  async filePaymentRecord(actor: Actor, input: PaymentRecordInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'PAYMENT_RECORD'>> {
    this.policy.assertRole(actor, 'record.payment.file');
    const ctx = apiInput(this.today());
    const subjectCode = this.optionalSubjectCode(actor, input.subjectCreditCode);
    const { payload, evidence } = parsePaymentRecordInput(ctx, input as unknown as Record<string, unknown>);
    return this.run(actor, 'filePaymentRecord', { subjectCode, payload, evidence }, idempotencyKey, async (tx) => {
      const subject = await this.subjectFor(tx, actor, 'record.payment.file', subjectCode);
      return this.file(tx, actor, this.ownOrOfficial(actor, 'PAYMENT_RECORD', subject, payload, evidence));
    });
  }

  async fileTaxCreditGrade(actor: Actor, input: TaxCreditGradeInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'TAX_CREDIT_GRADE'>> {
    this.policy.assertRole(actor, 'record.taxGrade.file');
    const subjectCode = this.optionalSubjectCode(actor, input.subjectCreditCode);
    const { payload, evidence } = parseTaxCreditGradeInput(apiInput(this.today()), input as unknown as Record<string, unknown>);
    return this.run(actor, 'fileTaxCreditGrade', { subjectCode, payload, evidence }, idempotencyKey, async (tx) => {
      const subject = await this.subjectFor(tx, actor, 'record.taxGrade.file', subjectCode);
      return this.file(tx, actor, this.ownOrOfficial(actor, 'TAX_CREDIT_GRADE', subject, payload, evidence));
    });
  }

  /** A bank's loan to a company: a regulated source, verified on filing. */
  async fileLoanRecord(actor: Actor, input: LoanRecordInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'LOAN_RECORD'>> {
    this.policy.assertRole(actor, 'record.loan.file');
    const ctx = apiInput(this.today());
    const borrowerCode = parseCounterpartyCode(ctx, 'borrowerCreditCode', input.borrowerCreditCode);
    const { payload, evidence } = parseLoanRecordInput(ctx, input as unknown as Record<string, unknown>);
    return this.run(actor, 'fileLoanRecord', { borrowerCode, payload, evidence }, idempotencyKey, async (tx) => {
      const borrower = await this.registered(tx, 'input.borrowerCreditCode', borrowerCode);
      this.policy.assert(actor, 'record.loan.file', { companyId: borrower.id, consortiumId: borrower.consortiumId });
      return this.file(tx, actor, {
        kind: 'LOAN_RECORD',
        subject: borrower,
        reporterCompanyId: null,
        reporterBankId: actor.bankId,
        reporterRole: 'BANK',
        filedStatus: 'VERIFIED',
        payload,
        evidence,
      });
    });
  }

  /** A court's or registry's record, filed by the subject's coordinator: verified on filing. */
  async filePublicRecord(actor: Actor, input: PublicRecordInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'PUBLIC_RECORD'>> {
    this.policy.assertRole(actor, 'record.public.file');
    const ctx = apiInput(this.today());
    const subjectCode = parseCounterpartyCode(ctx, 'subjectCreditCode', input.subjectCreditCode);
    const { payload, evidence } = parsePublicRecordInput(ctx, input as unknown as Record<string, unknown>);
    return this.run(actor, 'filePublicRecord', { subjectCode, payload, evidence }, idempotencyKey, async (tx) => {
      const subject = await this.subjectFor(tx, actor, 'record.public.file', subjectCode);
      return this.file(tx, actor, {
        kind: 'PUBLIC_RECORD',
        subject,
        reporterCompanyId: null,
        reporterBankId: null,
        reporterRole: 'COORDINATOR',
        filedStatus: 'VERIFIED',
        payload,
        evidence,
      });
    });
  }

  /** The guarantor files a guarantee of a fellow member's debt; the borrower (the subject) confirms it. */
  async fileGuarantee(actor: Actor, input: GuaranteeInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'GUARANTEE'>> {
    this.policy.assertRole(actor, 'record.guarantee.file');
    const ctx = apiInput(this.today());
    const borrowerCode = parseCounterpartyCode(ctx, 'borrowerCreditCode', input.borrowerCreditCode);
    const { payload, evidence } = parseGuaranteeInput(ctx, input as unknown as Record<string, unknown>);
    return this.run(actor, 'fileGuarantee', { borrowerCode, payload, evidence }, idempotencyKey, async (tx) => {
      const guarantor = await this.ownCompany(tx, actor, 'record.guarantee.file');
      const borrower = await this.fellowMember(tx, guarantor, 'input.borrowerCreditCode', borrowerCode, 'guarantee its own debt');
      return this.file(tx, actor, {
        kind: 'GUARANTEE',
        subject: borrower,
        reporterCompanyId: guarantor.id,
        reporterBankId: null,
        reporterRole: 'MEMBER',
        filedStatus: 'PENDING',
        payload,
        evidence,
      });
    });
  }

  /** A member's soft signal, verified by the coordinator; the owner's band needs the owner's written consent, kept apart. */
  async fileSoftSignal(actor: Actor, input: SoftSignalInput, idempotencyKey?: string | null): Promise<CreditRecordVersion<'SOFT_SIGNAL'>> {
    this.policy.assertRole(actor, 'record.softSignal.file');
    const values = parseSoftSignalInput(apiInput(this.today()), input as unknown as Record<string, unknown>);
    return this.run(actor, 'fileSoftSignal', values, idempotencyKey, async (tx) => {
      const company = await this.ownCompany(tx, actor, 'record.softSignal.file');
      let ownerConsentId: string | null = null;
      if (values.ownerConsent) {
        const { ownerName, document, signedOn } = values.ownerConsent;
        // the withdrawal stands (Art. 13-14): filing the withdrawn document again would consent anew in the owner's place
        if (await this.consents.revokedDocument(tx, company.id, document.sha256)) {
          throw new BadInputError(
            'input.ownerConsent.document',
            "input.ownerConsent.document is a consent the owner withdrew: the owner's band needs a new consent, signed anew",
          );
        }
        ownerConsentId =
          (await this.consents.findSame(tx, company.id, ownerName, document.sha256)) ??
          (await this.consents.insert(tx, {
            companyId: company.id,
            ownerName,
            documentSha256: document.sha256,
            documentName: document.name,
            signedOn,
            recordedBy: actor.id,
            createdAt: this.clock.now(),
          }));
      }
      const { signalKind, reference, value, recordedOn, validUntil, evidence } = values;
      return this.file(tx, actor, {
        kind: 'SOFT_SIGNAL',
        subject: company,
        reporterCompanyId: company.id,
        reporterBankId: null,
        reporterRole: 'MEMBER',
        filedStatus: 'PENDING',
        payload: { signalKind, reference, value, recordedOn, validUntil, ownerConsentId },
        evidence,
      });
    });
  }

  /**
   * The owner withdrew the written consent behind an owner's-band signal (Art. 13-14): the
   * consent is marked revoked, with an audit entry, and the company is queued for a
   * recompute, which no longer counts any signal that consent backs. The signal stays in the
   * ledger, as every version does. Revoking twice answers the same record and changes nothing.
   */
  async revokeOwnerConsent(actor: Actor, idInput: string, idempotencyKey?: string | null): Promise<CreditRecordVersion> {
    this.policy.assertRole(actor, 'record.ownerConsent.revoke');
    const id = parseId('id', idInput);
    return this.run(actor, 'revokeOwnerConsent', { id }, idempotencyKey, async (tx) => {
      const current = await this.currentForChange(tx, actor, 'record.ownerConsent.revoke', id);
      if (current.kind !== 'SOFT_SIGNAL' || current.payload.signalKind !== 'OWNER_CREDIT_BAND') {
        throw new BadInputError('id', `record ${current.recordId} is a ${current.kind === 'SOFT_SIGNAL' ? current.payload.signalKind : current.kind} record: only an owner's credit band rests on the owner's consent`);
      }
      const now = this.clock.now();
      const outcome = await this.consents.revokeBehind(tx, current.recordId, now);
      if (!outcome) throw new Error(`owner's band signal ${current.recordId} has no consent`);
      if (outcome.revoked) {
        await this.audit.append(
          tx,
          [
            {
              action: 'ownerConsent.revoked',
              actorId: actor.id,
              consortiumId: current.consortiumId,
              companyId: current.subjectId,
              details: { recordId: current.recordId, version: current.version, consentId: outcome.consentId },
            },
          ],
          now,
        );
        await this.outbox.add(tx, [{ job: JobName.RECOMPUTE_COMPANY, payload: { companyId: current.subjectId, reason: 'ownerConsent.revoked' } }]);
      }
      return this.reload(tx, current);
    });
  }

  // ---- the state machine -------------------------------------------------------------

  /** The subject confirms a record another filed about it. */
  async confirm(actor: Actor, idInput: string, idempotencyKey?: string | null): Promise<CreditRecordVersion> {
    this.policy.assertRole(actor, 'record.confirm');
    const id = parseId('id', idInput);
    return this.run(actor, 'confirmRecord', { id }, idempotencyKey, async (tx) => {
      const current = await this.currentForChange(tx, actor, 'record.confirm', id);
      if (current.reporterCompanyId !== null && current.reporterCompanyId === actor.companyId) {
        throw new ForbiddenError('A company cannot confirm a record it filed itself: the counterparty or the coordinator verifies it', { operation: 'record.confirm' });
      }
      return this.move(tx, actor, current, 'CONFIRM', 'record.confirmed');
    });
  }

  /** The subject contests a record about it: it counts nowhere until the coordinator settles it, within 20 days. */
  async dispute(actor: Actor, idInput: string, reasonInput: string, idempotencyKey?: string | null): Promise<CreditRecordVersion> {
    this.policy.assertRole(actor, 'record.dispute');
    const id = parseId('id', idInput);
    const reason = parseText('reason', reasonInput, { max: 2000 });
    return this.run(actor, 'disputeRecord', { id, reason }, idempotencyKey, async (tx) => {
      const current = await this.currentForChange(tx, actor, 'record.dispute', id);
      if (current.reporterCompanyId !== null && current.reporterCompanyId === actor.companyId) {
        throw new ForbiddenError('A company does not dispute its own filing: file a corrected version instead', { operation: 'record.dispute' });
      }
      const now = this.clock.now();
      const to = nextStatus('DISPUTE', current.status);
      const dispute = await this.disputes.open(tx, {
        kind: current.kind,
        recordId: current.recordId,
        version: current.version,
        consortiumId: current.consortiumId,
        subjectId: current.subjectId,
        reason,
        openedBy: actor.id,
        openedAt: now,
        deadlineAt: new Date(now.getTime() + DISPUTE_DEADLINE_DAYS * DAY_MS),
      });
      const changeId = await this.records.setStatus(tx, current, to, { action: 'DISPUTE', actorId: actor.id, at: now, disputeId: dispute.id });
      await this.notices.insertOnce(tx, {
        kind: 'DISPUTE_OPENED',
        consortiumId: current.consortiumId,
        companyId: null,
        recordId: current.recordId,
        disputeId: dispute.id,
        message: `A ${words(current.kind)} was disputed by its subject; settle it by ${toCalendarDate(dispute.deadlineAt)} (20 days)`,
        createdAt: now,
      });
      await this.noticeFiler(tx, current, 'FILING_DISPUTED', dispute.id, now, (kind) =>
        `Your filing of a ${kind} was disputed by its subject, which gives as its reasons: ${reason}. Its coordinator settles the dispute by ${toCalendarDate(dispute.deadlineAt)}; until then the record counts nowhere. Send the coordinator what shows it right, or file a corrected version.`,
      );
      await this.audit.append(
        tx,
        [
          this.statusEntry(actor, current, to, 'DISPUTE', changeId),
          { action: 'dispute.opened', actorId: actor.id, consortiumId: current.consortiumId, companyId: current.subjectId, details: disputeDetails(dispute) },
        ],
        now,
      );
      await this.outbox.add(tx, [
        ...this.recomputes(current, 'record.disputed'),
        { job: JobName.DISPUTE_DEADLINE, payload: { recordId: current.recordId, stage: 'alert' }, runAt: new Date(now.getTime() + DISPUTE_ALERT_DAYS * DAY_MS) },
        { job: JobName.DISPUTE_DEADLINE, payload: { recordId: current.recordId, stage: 'escalate' }, runAt: dispute.deadlineAt },
      ]);
      return this.reload(tx, current);
    });
  }

  /**
   * The subject adds its statement to negative information about it (Art. 16): shown with the
   * record and in bank reports while the record shows, replacing its earlier statement (kept
   * for audit). It changes no rating. The same statement again writes nothing.
   */
  async explain(actor: Actor, idInput: string, statementInput: string, idempotencyKey?: string | null): Promise<CreditRecordVersion> {
    this.policy.assertRole(actor, 'record.explain');
    const id = parseId('id', idInput);
    const statement = parseText('statement', statementInput, { max: MAX_RECORD_STATEMENT });
    return this.run(actor, 'explainRecord', { id, statement }, idempotencyKey, async (tx) => {
      const current = await this.currentForChange(tx, actor, 'record.explain', id);
      if (!current.negative) throw new ConflictError('Only negative information about the company takes its statement: this record is not negative');
      if (current.status === 'REJECTED') throw new ConflictError('The record was rejected and shows nowhere: it takes no statement');
      const latest = (await this.statements.latestFor(tx, [current.recordId])).get(current.recordId);
      if (latest?.statement === statement) return current;
      const now = this.clock.now();
      const made = await this.statements.add(tx, { kind: current.kind, recordId: current.recordId, subjectId: current.subjectId, statement, madeBy: actor.id, madeAt: now });
      await this.audit.append(
        tx,
        [
          {
            action: 'record.explained',
            actorId: actor.id,
            consortiumId: current.consortiumId,
            companyId: current.subjectId,
            details: { kind: current.kind, recordId: current.recordId, version: current.version, statementId: made.id, statement },
          },
        ],
        now,
      );
      return current;
    });
  }

  /** The subject's coordinator verifies a pending record. */
  async verify(actor: Actor, idInput: string, idempotencyKey?: string | null): Promise<CreditRecordVersion> {
    this.policy.assertRole(actor, 'record.verify');
    const id = parseId('id', idInput);
    return this.run(actor, 'verifyRecord', { id }, idempotencyKey, async (tx) => {
      const current = await this.currentForChange(tx, actor, 'record.verify', id);
      return this.move(tx, actor, current, 'VERIFY', 'record.verified');
    });
  }

  /** The coordinator settles a dispute: the record stands (VERIFIED) or falls (REJECTED, and the version before it counts again). */
  async resolveDispute(actor: Actor, idInput: string, resolution: DisputeResolution, noteInput: string, idempotencyKey?: string | null): Promise<CreditRecordVersion> {
    this.policy.assertRole(actor, 'record.resolveDispute');
    const id = parseId('id', idInput);
    const note = parseText('note', noteInput, { max: 2000 });
    if (resolution !== 'RECORD_CONFIRMED' && resolution !== 'RECORD_REJECTED') throw new BadInputError('resolution', 'resolution must be RECORD_CONFIRMED or RECORD_REJECTED');
    return this.run(actor, 'resolveDispute', { id, resolution, note }, idempotencyKey, async (tx) => {
      const current = await this.currentForChange(tx, actor, 'record.resolveDispute', id);
      const action: StatusAction = resolution === 'RECORD_CONFIRMED' ? 'RESOLVE_CONFIRMED' : 'RESOLVE_REJECTED';
      const to = nextStatus(action, current.status);
      const open = await this.disputes.findOpenForUpdate(tx, current.recordId);
      if (!open) throw new ConflictError('The record has no open dispute to resolve');
      const now = this.clock.now();
      const changeId = await this.records.setStatus(tx, current, to, { action, actorId: actor.id, at: now, disputeId: open.id });
      const resolved = await this.disputes.resolve(tx, open.id, actor.id, resolution, note, now);
      // the written answer to the one who disputed (Art. 25)
      await this.notices.insertOnce(tx, {
        kind: 'DISPUTE_RESOLVED',
        consortiumId: current.consortiumId,
        companyId: current.subjectId,
        recordId: current.recordId,
        disputeId: open.id,
        message:
          resolution === 'RECORD_CONFIRMED'
            ? `Your dispute of a ${words(current.kind)} was settled: the record was found correct and counts as filed. The coordinator's reasons: ${note}`
            : `Your dispute of a ${words(current.kind)} was settled in your favour: the record was rejected and no longer counts. The coordinator's reasons: ${note}`,
        createdAt: now,
      });
      await this.noticeFiler(tx, current, 'FILING_DISPUTE_RESOLVED', open.id, now, (kind) =>
        resolution === 'RECORD_CONFIRMED'
          ? `The dispute of your filing of a ${kind} was settled: the record was found correct and counts as filed. The coordinator's reasons: ${note}`
          : `The dispute of your filing of a ${kind} was settled against it: the record was rejected and no longer counts. The coordinator's reasons: ${note}`,
      );
      await this.audit.append(
        tx,
        [
          this.statusEntry(actor, current, to, action, changeId),
          { action: 'dispute.resolved', actorId: actor.id, consortiumId: current.consortiumId, companyId: current.subjectId, details: disputeDetails(resolved) },
        ],
        now,
      );
      await this.outbox.add(tx, this.recomputes(current, 'dispute.resolved'));
      return this.reload(tx, current);
    });
  }

  /**
   * Tells the member company that filed a record (not a bank, not the coordinator, who hears
   * of every dispute anyway) of a dispute of it or of its settlement: it is the one who can
   * show the record right, or correct it, within the 20 days. Addressed to the filer's
   * company, under its own consortium; one notice per dispute and kind.
   */
  private async noticeFiler(
    tx: Db,
    record: CreditRecordVersion,
    kind: 'FILING_DISPUTED' | 'FILING_DISPUTE_RESOLVED',
    disputeId: string,
    now: Date,
    message: (recordWords: string) => string,
  ): Promise<void> {
    if (record.reporterCompanyId === null || record.reporterCompanyId === record.subjectId) return;
    const filer = await this.companies.findById(tx, record.reporterCompanyId);
    if (!filer) return;
    await this.notices.insertOnce(tx, {
      kind,
      consortiumId: filer.consortiumId,
      companyId: filer.id,
      recordId: record.recordId,
      disputeId,
      message: message(words(record.kind)),
      createdAt: now,
    });
  }

  // ---- reads ---------------------------------------------------------------------------

  async list(actor: Actor, companyIdInput: string, query: RecordListQuery): Promise<CreditRecordVersion[]> {
    this.policy.assertRole(actor, 'record.read');
    const companyId = parseId('companyId', companyIdInput);
    const { limit, offset } = parsePage({ limit: query.limit ?? 100, offset: query.offset ?? 0 }, MAX_PAGE);
    const db = this.dataSource.manager;
    const company = await this.companies.findById(db, companyId);
    if (!company) throw new NotFoundError('No such company', { field: 'companyId' });
    this.policy.assert(actor, 'record.read', { companyId: company.id, consortiumId: company.consortiumId });
    if (query.includeExpired) this.policy.assert(actor, 'record.readExpired');
    return this.records.listInvolving(db, company.id, {
      status: query.status ?? null,
      kind: query.kind ?? null,
      includeExpired: query.includeExpired === true,
      today: this.today(),
      limit,
      offset,
    });
  }

  /** One record as the caller may see it: its subject's or its filer's members, their coordinator, an ADMIN. */
  async get(actor: Actor, idInput: string): Promise<CreditRecordVersion | null> {
    this.policy.assertRole(actor, 'record.read');
    const id = parseId('id', idInput);
    const current = await this.records.findCurrent(this.dataSource.manager, id);
    if (!current) return null;
    this.assertCanRead(actor, current);
    if (!this.visible(actor, current)) return null;
    return current;
  }

  /** Every version of a record the caller already sees, oldest first; expired negative ones only for auditors. */
  async versions(actor: Actor, v: CreditRecordVersion): Promise<CreditRecordVersion[]> {
    const all = await this.records.history(this.dataSource.manager, v.kind, v.recordId);
    return all.filter((x) => this.visible(actor, x));
  }

  async disputeList(actor: Actor, consortiumIdInput: string, openOnly: boolean, limit: number, offset: number): Promise<Dispute[]> {
    this.policy.assertRole(actor, 'dispute.list');
    const consortiumId = parseId('consortiumId', consortiumIdInput);
    const page = parsePage({ limit, offset }, MAX_PAGE);
    this.policy.assert(actor, 'dispute.list', { consortiumId });
    const db = this.dataSource.manager;
    const listed = await this.disputes.listForConsortium(db, consortiumId, openOnly, page.limit, page.offset);
    if (this.policy.can(actor, 'record.readExpired')) return listed;
    // A dispute shows the version it contests, which past its 5 years shows to no one but
    // auditors: such disputes leave the list. The page is cut after it was read, so it may be
    // shorter than `limit`; the next page still starts at offset + limit.
    const contested = await this.records.load(db, listed.map((d) => ({ kind: d.kind, recordId: d.recordId, version: d.version })));
    const shown = new Set(contested.filter((v) => this.visible(actor, v)).map((v) => `${v.recordId}:${v.version}`));
    return listed.filter((d) => shown.has(`${d.recordId}:${d.version}`));
  }

  /**
   * The record version a dispute is about, as `get` shows records: NOT_FOUND when the caller
   * may not see it (past its 5 years). Read through the request's loader: a page of disputes
   * reads its versions in one query per record kind, not one query per dispute.
   */
  async disputedVersion(actor: Actor, d: Dispute, loaders: RecordLoaders): Promise<CreditRecordVersion> {
    const version = await loaders.version.load({ kind: d.kind, recordId: d.recordId, version: d.version });
    if (!version) throw new Error(`dispute ${d.id} names a record version that does not exist`);
    this.assertCanRead(actor, version);
    if (!this.visible(actor, version)) throw new NotFoundError('No such record', { field: 'record' });
    return version;
  }

  assertCanRead(actor: Actor, v: CreditRecordVersion): void {
    if (this.records.readers(v).some((companyId) => this.policy.can(actor, 'record.read', { companyId, consortiumId: v.consortiumId }))) return;
    this.policy.assert(actor, 'record.read', { companyId: v.subjectId, consortiumId: v.consortiumId });
  }

  /** Negative information past its 5 years shows to auditors (ADMIN) only. */
  private visible(actor: Actor, v: CreditRecordVersion): boolean {
    return v.expiresOn === null || v.expiresOn > this.today() || this.policy.can(actor, 'record.readExpired');
  }

  // ---- the filing procedure -----------------------------------------------------------

  /**
   * Files a version in the caller's transaction: an identical resubmission returns the
   * current version (same id, nothing written); other content becomes the next version,
   * refused while the record is disputed. Negative information gets a notice to its subject
   * and counts only after the waiting period. Past its 5 years already, a new record is
   * refused; a correction of an existing one is filed without a notice (it ends the record's
   * negative information, which then counts nowhere and shows to no member).
   */
  private async file<K extends RecordKind>(tx: Db, actor: Actor, f: Filing<K>, lockAlso: string[] = []): Promise<CreditRecordVersion<K>> {
    const now = this.clock.now();
    const today = toCalendarDate(now);
    const negative = assessNegative(f.kind, f.payload, today);
    const expired = negative.negative && negative.expiresOn !== null && negative.expiresOn <= today;
    const recordId = await this.records.recordIdFor(tx, f.kind, this.keyValues(f));
    for (const id of [recordId, ...lockAlso].sort()) await this.records.lock(tx, id);
    const current = await this.records.findCurrent(tx, recordId, f.kind);
    // past its 5 years it counts nowhere and shows to no one: a new record of it is neither
    // filed, nor noticed, nor answered (Art. 16); a correction that ends an existing record's
    // negative information that long ago is filed, so the old version stops counting
    if (!current) refuseExpiredNegative(apiInput(today), f.kind, f.payload, negative);
    if (current && sameFiling(current, f)) return current as CreditRecordVersion<K>;
    if (current?.status === 'DISPUTED') {
      throw new ConflictError('The record is disputed: the coordinator settles the dispute before a new version can be filed', { status: current.status });
    }
    const countsFrom = negative.negative ? negativeCountsFrom(now, this.config.records.noticePeriodDays) : now;
    const notice =
      negative.negative && !expired
        ? await this.notices.insert(tx, {
            kind: 'NEGATIVE_INFORMATION',
            consortiumId: f.subject.consortiumId,
            companyId: f.subject.id,
            recordId,
            message: `Negative information was filed about your company: ${negative.why}. It counts in ratings from ${toCalendarDate(countsFrom)}; dispute it before then if it is wrong.`,
            createdAt: now,
            waitingUntil: countsFrom,
          })
        : null;
    const filed = await this.records.append(tx, recordId, {
      kind: f.kind,
      consortiumId: f.subject.consortiumId,
      subjectId: f.subject.id,
      reporterCompanyId: f.reporterCompanyId,
      reporterBankId: f.reporterBankId,
      reporterRole: f.reporterRole,
      filedStatus: f.filedStatus,
      payload: f.payload,
      evidence: f.evidence,
      negative: negative.negative,
      noticeId: notice?.id ?? null,
      countsFrom,
      endedOn: negative.endedOn,
      expiresOn: negative.expiresOn,
      filedBy: actor.id,
      createdAt: now,
    });
    await this.audit.append(tx, [recordFiledEntry(filed, actor.id)], now);
    await this.outbox.add(tx, this.recomputes(filed as CreditRecordVersion, 'record.filed'));
    return filed;
  }

  /** A trade experience, and then the comparison with the other side's filing of the same invoice. */
  private async fileTrade(tx: Db, actor: Actor, f: Filing<'TRADE_EXPERIENCE'>): Promise<CreditRecordVersion<'TRADE_EXPERIENCE'>> {
    const otherSide = f.payload.side === 'SUPPLIER' ? 'BUYER' : 'SUPPLIER';
    const otherId = await this.records.recordIdFor(tx, 'TRADE_EXPERIENCE', this.keyValues({ ...f, payload: { ...f.payload, side: otherSide } }));
    const filed = await this.file(tx, actor, f, [otherId]);
    const other = await this.records.findCurrent(tx, otherId, 'TRADE_EXPERIENCE');
    if (!other || other.kind !== 'TRADE_EXPERIENCE') return filed;
    return this.compareInvoice(tx, actor, filed, other);
  }

  /**
   * Both sides filed the invoice: equal amounts and dates verify each other's pending
   * versions (the strongest evidence the platform has); any difference flags both for the
   * coordinator. Each pair of versions is compared once.
   */
  private async compareInvoice(
    tx: Db,
    actor: Actor,
    filed: CreditRecordVersion<'TRADE_EXPERIENCE'>,
    other: CreditRecordVersion<'TRADE_EXPERIENCE'>,
  ): Promise<CreditRecordVersion<'TRADE_EXPERIENCE'>> {
    const comparable = (s: VerificationStatus): boolean => s === 'PENDING' || s === 'VERIFIED';
    if (!comparable(filed.status) || !comparable(other.status)) return filed;
    const [supplier, buyer] = filed.payload.side === 'SUPPLIER' ? [filed, other] : [other, filed];
    const seen = await this.matches.latestFor(tx, [{ recordId: supplier.recordId, version: supplier.version }]);
    const last = seen.get(`${supplier.recordId}:${supplier.version}`);
    if (last && last.buyerRecordId === buyer.recordId && last.buyerVersion === buyer.version) return filed;
    const differences = (['amount', 'invoiceDate', 'dueDate', 'paidDate'] as const).filter((k) => supplier.payload[k] !== buyer.payload[k]);
    const now = this.clock.now();
    const base = { supplierRecordId: supplier.recordId, supplierVersion: supplier.version, buyerRecordId: buyer.recordId, buyerVersion: buyer.version, at: now };
    if (differences.length > 0) {
      await this.matches.insert(tx, { ...base, outcome: 'MISMATCHED', differences });
      await this.notices.insert(tx, {
        kind: 'TRADE_MISMATCH',
        consortiumId: filed.consortiumId,
        companyId: null,
        recordId: supplier.recordId,
        recordCount: 2,
        message: `The supplier's and the buyer's filings of invoice ${supplier.payload.invoiceNo} differ in ${differences.join(', ')}: verify the right one`,
        createdAt: now,
      });
      await this.audit.append(tx, [{ action: 'trade.mismatched', actorId: actor.id, consortiumId: filed.consortiumId, companyId: filed.subjectId, details: { ...base, differences } }], now);
      return filed;
    }
    await this.matches.insert(tx, { ...base, outcome: 'MATCHED', differences: [] });
    const entries: AuditEntry[] = [{ action: 'trade.matched', actorId: actor.id, consortiumId: filed.consortiumId, companyId: filed.subjectId, details: { ...base } }];
    for (const side of [supplier, buyer]) {
      if (side.status !== 'PENDING') continue;
      const changeId = await this.records.setStatus(tx, side, 'VERIFIED', { action: 'MATCH', actorId: actor.id, at: now });
      entries.push(this.statusEntry(actor, side, 'VERIFIED', 'MATCH', changeId));
    }
    await this.audit.append(tx, entries, now);
    await this.outbox.add(tx, this.recomputes(supplier, 'trade.matched'));
    return (await this.reload(tx, filed)) as CreditRecordVersion<'TRADE_EXPERIENCE'>;
  }

  /** The natural key of a filing (see KIND_SPECS): the same key is the same record. */
  private keyValues(f: Filing<RecordKind>): Record<string, unknown> {
    const p = f.payload as unknown as Record<string, unknown>;
    const trade = f.payload as TradeExperiencePayload;
    return {
      subject_id: f.subject.id,
      reporter_role: f.reporterRole,
      reporter_company_id: f.reporterCompanyId,
      reporter_bank_id: f.reporterBankId,
      side: trade.side,
      counterparty_id: trade.creditorId,
      invoice_no: trade.invoiceNo,
      fiscal_year: p.fiscalYear,
      payment_kind: p.paymentKind,
      reference: p.reference,
      tax_year: p.taxYear,
      contract_no: p.contractNo,
      public_kind: p.publicKind,
      case_no: p.caseNo,
      signal_kind: p.signalKind,
    };
  }

  /** Moves the current version along the state machine (CONFLICT when it may not), with its audit and outbox rows. */
  private async move(tx: Db, actor: Actor, current: CreditRecordVersion, action: StatusAction, reason: string): Promise<CreditRecordVersion> {
    const to = nextStatus(action, current.status);
    const now = this.clock.now();
    const changeId = await this.records.setStatus(tx, current, to, { action, actorId: actor.id, at: now });
    await this.audit.append(tx, [this.statusEntry(actor, current, to, action, changeId)], now);
    await this.outbox.add(tx, this.recomputes(current, reason));
    return this.reload(tx, current);
  }

  private statusEntry(actor: Actor | null, v: CreditRecordVersion, to: VerificationStatus, action: StatusAction, changeId: string): AuditEntry {
    return {
      action: 'record.status',
      actorId: actor?.id ?? null,
      consortiumId: v.consortiumId,
      companyId: v.subjectId,
      details: { kind: v.kind, recordId: v.recordId, version: v.version, from: v.status, to, via: action, changeId },
    };
  }

  private recomputes(v: CreditRecordVersion, reason: string) {
    return this.records.involvedCompanies(v).map((companyId) => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason } }));
  }

  private async reload(tx: Db, v: CreditRecordVersion): Promise<CreditRecordVersion> {
    const fresh = await this.records.findVersion(tx, v.kind, v.recordId, v.version);
    if (!fresh) throw new Error(`record ${v.recordId} version ${v.version} vanished`);
    return fresh;
  }

  /**
   * The current version of a record for a status move, locked; NOT_FOUND, then FORBIDDEN by
   * the policy on its subject, then NOT_FOUND again for negative information past its 5 years:
   * `get` shows the caller no such record, so it is not there to move, nor to be answered.
   */
  private async currentForChange(tx: Db, actor: Actor, operation: Operation, recordId: string): Promise<CreditRecordVersion> {
    await this.records.lock(tx, recordId);
    const current = await this.records.findCurrent(tx, recordId);
    if (!current) throw new NotFoundError('No such record', { field: 'id' });
    this.policy.assert(actor, operation, { companyId: current.subjectId, consortiumId: current.consortiumId });
    if (!this.visible(actor, current)) throw new NotFoundError('No such record', { field: 'id' });
    return current;
  }

  // ---- who files about whom ----------------------------------------------------------

  private async ownCompany(tx: Db, actor: Actor, operation: Operation): Promise<Company> {
    const company = actor.companyId ? await this.companies.findById(tx, actor.companyId) : null;
    if (!company) throw new ForbiddenError('The caller works for no company', { operation });
    this.policy.assert(actor, operation, { companyId: company.id, consortiumId: company.consortiumId });
    return company;
  }

  /** A counterparty that must be another member of `of`'s consortium; anything else is bad input naming the field. */
  private async fellowMember(tx: Db, of: Company, field: string, code: string, selfWords: string): Promise<Company> {
    const company = await this.companies.findByCreditCode(tx, code);
    if (!company || company.consortiumId !== of.consortiumId) throw new BadInputError(field, `${field} ${code} is not a member of your consortium`);
    if (company.id === of.id) throw new BadInputError(field, `${field} is your own company: a company cannot ${selfWords}`);
    return company;
  }

  private async registered(tx: Db, field: string, code: string): Promise<Company> {
    const company = await this.companies.findByCreditCode(tx, code);
    if (!company) throw new BadInputError(field, `${field} ${code} names no company on the platform`);
    return company;
  }

  /** A COORDINATOR names the subject; a MEMBER files for its own company. */
  private optionalSubjectCode(actor: Actor, code: string | null | undefined): string | null {
    const ctx = apiInput(this.today());
    if (actor.role === 'COORDINATOR') return parseCounterpartyCode(ctx, 'subjectCreditCode', code);
    return code === undefined || code === null || code === '' ? null : parseCounterpartyCode(ctx, 'subjectCreditCode', code);
  }

  /**
   * The subject a payment, grade or public record is filed about: named by its code (a
   * MEMBER may leave it out for its own company). A code naming nothing is bad input; a
   * company the caller may not file about is FORBIDDEN, by the policy.
   */
  private async subjectFor(tx: Db, actor: Actor, operation: Operation, code: string | null): Promise<Company> {
    if (code === null && actor.role === 'MEMBER') return this.ownCompany(tx, actor, operation);
    const subject = code ? await this.companies.findByCreditCode(tx, code) : null;
    if (!subject) throw new BadInputError('input.subjectCreditCode', `input.subjectCreditCode ${code} names no company on the platform`);
    this.policy.assert(actor, operation, { companyId: subject.id, consortiumId: subject.consortiumId });
    return subject;
  }

  /** Filed by the company itself (pending, the coordinator verifies), or by the coordinator from an official export (verified). */
  private ownOrOfficial<K extends 'PAYMENT_RECORD' | 'TAX_CREDIT_GRADE'>(actor: Actor, kind: K, subject: Company, payload: RecordPayloads[K], evidence: Evidence | null): Filing<K> {
    const official = actor.role === 'COORDINATOR';
    return {
      kind,
      subject,
      reporterCompanyId: official ? null : subject.id,
      reporterBankId: null,
      reporterRole: official ? 'COORDINATOR' : 'MEMBER',
      filedStatus: official ? 'VERIFIED' : 'PENDING',
      payload,
      evidence,
    };
  }

  // ---- idempotency ---------------------------------------------------------------------

  /**
   * Runs a mutation in one transaction, under the caller's idempotency key if it gave one:
   * a replay answers the first call's record, the same key with other input is CONFLICT.
   * `args` are the parsed, normalised input, never the raw one: a retry that sends the same
   * filing in another spelling (an optional field null or left out, `100` for `100.00`,
   * spaces around a code) is the same request and replays the first answer.
   */
  private async run<T extends CreditRecordVersion>(actor: Actor, operation: string, args: unknown, keyInput: string | null | undefined, work: (tx: Db) => Promise<T>): Promise<T> {
    const key = keyInput === undefined || keyInput === null ? null : parseText('idempotencyKey', keyInput, { max: 255 });
    return this.dataSource.transaction(async (tx) => {
      if (key === null) return work(tx);
      const hash = createHash('sha256').update(canonicalJson({ operation, args })).digest();
      const claim = await this.idempotency.claim(tx, actor.id, key, operation, hash, this.clock.now());
      if (claim.state === 'mismatch') {
        throw new ConflictError(`idempotencyKey was already used for another ${claim.operation === operation ? 'input' : `operation (${claim.operation})`}`, { field: 'idempotencyKey' });
      }
      if (claim.state === 'replay') {
        const ref = claim.result as RecordRef;
        const first = await this.records.findVersion(tx, ref.kind, ref.recordId, ref.version);
        if (!first) throw new ConflictError('idempotencyKey belongs to a request that is still running; retry shortly', { field: 'idempotencyKey' });
        return first as T;
      }
      const result = await work(tx);
      await this.idempotency.complete(tx, actor.id, key, { kind: result.kind, recordId: result.recordId, version: result.version } satisfies RecordRef);
      return result;
    });
  }
}

/**
 * Whether a filing says what the current version says: the same payload and evidence. The
 * status the record reached since (confirmed, matched, flagged by the overdue run, whose
 * version is filed with the status it found) is not the filer's to say again. Only a verified
 * source (a coordinator, a bank, an auditor's report) says more than a version filed pending
 * and not verified since: its filing is the next version, verified. Same rule as
 * sameFilingSql for imports.
 */
function sameFiling(current: CreditRecordVersion, f: Filing<RecordKind>): boolean {
  return (
    (f.filedStatus === 'PENDING' || current.filedStatus === 'VERIFIED' || current.status === 'VERIFIED') &&
    canonicalJson(current.payload) === canonicalJson(f.payload) &&
    canonicalJson(current.evidence) === canonicalJson(f.evidence)
  );
}

function words(kind: RecordKind): string {
  return kind.toLowerCase().replace(/_/g, ' ');
}

function disputeDetails(d: Dispute): Record<string, unknown> {
  return {
    disputeId: d.id,
    kind: d.kind,
    recordId: d.recordId,
    version: d.version,
    reason: d.reason,
    deadlineAt: d.deadlineAt,
    resolution: d.resolution,
    note: d.note,
  };
}

