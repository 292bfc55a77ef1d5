import { Injectable } from '@nestjs/common';
import {
  type Actor,
  type Bank,
  Clock,
  type ConsentScope,
  type CreditReport,
  type ReportFinancialYear,
  type InquiryChannel,
  parseInquiryPurpose,
  readerOf,
  scopesAllowing,
  toCalendarDate,
} from '@app/domain';
import {
  BankRepository,
  type ConsentRefusal,
  ConsentRepository,
  CreditReportRepository,
  InquiryRepository,
  RatingRepository,
  ScoringInputRepository,
} from '@app/persistence';
import { altmanZ2, paymentIndex } from '@app/scoring';
import { DataSource } from 'typeorm';
import { refusalError } from '@api/bank-ratings/bank-ratings.service';
import { parseCreditCode } from '@api/companies/companies.service';
import { PolicyService } from '@api/policy/policy.service';

const REPORT_SCOPES: readonly ConsentScope[] = scopesAllowing('REPORT');
const MONTH_MS = 30.44 * 86_400_000;

/**
 * The credit report (scope REPORT). The consent check, the inquiry and every section are
 * read in one REPEATABLE READ transaction: the report is one consistent snapshot, and it
 * exists exactly when its inquiry committed (a refused read writes nothing).
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inquiries: InquiryRepository,
    private readonly consents: ConsentRepository,
    private readonly reports: CreditReportRepository,
    private readonly ratings: RatingRepository,
    private readonly banks: BankRepository,
    private readonly scoringInputs: ScoringInputRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async report(actor: Actor, creditCodeInput: string, purposeInput: string, channel: InquiryChannel): Promise<CreditReport> {
    this.policy.assertRole(actor, 'creditReport.read');
    const creditCode = parseCreditCode('creditCode', creditCodeInput);
    const purpose = parseInquiryPurpose('purpose', purposeInput);
    const reader = readerOf(actor);
    const now = this.clock.now();
    const report = await this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const read = await this.inquiries.record(tx, creditCode, REPORT_SCOPES, 'REPORT', { reader, purpose, channel, now });
      if (!read) return null;
      this.policy.assert(actor, 'creditReport.read', { companyId: read.companyId, consortiumId: read.consortiumId, consentForCallerBank: true });
      const identification = await this.reports.identification(tx, read.companyId);
      const bank = (await this.banks.findById(tx, reader.bankId)) as Bank;
      const current = (await this.ratings.current(tx, [read.companyId])).get(read.companyId) ?? null;
      const ratingHistory = await this.reports.ratingHistory(tx, read.companyId, new Date(now.getTime() - 24 * MONTH_MS));
      const standing = await this.reports.standing(tx, read.consortiumId);
      const asOf = toCalendarDate(now);
      const sections = await this.reports.recordSections(tx, read.companyId, asOf);
      // the index of the rating engine, on exactly what counts (VERIFIED, not disputed)
      const counted = (await this.scoringInputs.loadScoringInputs(tx, [read.companyId], asOf)).get(read.companyId);
      const index = counted ? paymentIndex(counted.tradeExperiences, asOf) : null;
      const inquiries = await this.reports.inquiries(tx, read.companyId, new Date(now.getTime() - 12 * MONTH_MS));
      return {
        inquiryId: read.inquiryId,
        generatedAt: read.at,
        purpose,
        bankName: bank.name,
        identification: identification as CreditReport['identification'],
        rating: current,
        ratingHistory,
        standing,
        ...sections,
        paymentBehaviour: { ...sections.paymentBehaviour, paymentIndex: index },
        financialYears: sections.financialYears.map((y) => ({ ...y, ratios: statementRatios(y) })),
        inquiries,
      } satisfies CreditReport;
    });
    if (!report) {
      const refusals = await this.consents.explainRefusals(this.dataSource.manager, reader.bankId, [creditCode], REPORT_SCOPES, now);
      throw refusalError(refusals.get(creditCode) as ConsentRefusal, 'creditReport.read');
    }
    return report;
  }
}

/** The ratios a lender reads first, and Altman's Z'' for private non-manufacturing firms (Altman 2000). */
export function statementRatios(y: ReportFinancialYear): ReportFinancialYear['ratios'] {
  const n = (d: string): number => Number(d);
  const div = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
  const ta = n(y.totalAssets);
  const tl = n(y.totalLiabilities);
  const x4 = div(n(y.equity), tl);
  const z = ta === 0 || x4 === null ? null : altmanZ2((n(y.currentAssets) - n(y.currentLiabilities)) / ta, n(y.retainedEarnings) / ta, n(y.ebit) / ta, n(y.equity) / tl);
  return [
    { name: 'Net margin', value: div(n(y.netIncome), n(y.revenue)) },
    { name: 'Return on assets', value: div(n(y.netIncome), ta) },
    { name: 'Debt ratio', value: div(tl, ta) },
    { name: 'Current ratio', value: div(n(y.currentAssets), n(y.currentLiabilities)) },
    { name: "Altman Z''", value: z === null ? null : Math.round(z * 1000) / 1000 },
  ];
}
