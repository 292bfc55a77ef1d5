import { Inject, Injectable } from '@nestjs/common';
import {
  type Actor,
  BadInputError,
  chinaCalendarDay,
  Clock,
  type Company,
  type Consortium,
  ForbiddenError,
  type MemberPartnerActivity,
  monthsBefore,
  nextChinaMidnight,
  NotFoundError,
  PARTNER_CHECK_RULE_BOUNDS,
  type PartnerCheck,
  type PartnerCheckRules,
  type PartnerView,
  parseCreditCode,
  parseId,
  toCalendarDate,
} from '@app/domain';
import type { IsoDate } from '@app/domain/scoring';
import { AuditLogRepository, CompanyRepository, ConsortiumRepository, type Db, PartnerCheckRepository, RatingRepository, ScoringInputRepository } from '@app/persistence';
import { paymentIndex } from '@app/scoring';
import { addMonths } from '@app/scoring/common/calendar-date';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { PolicyService } from '@api/policy/policy.service';
import type { PartnerCheckRulesInput } from './dto/partner-check-rules.input';

export interface PartnerCheckAllowance {
  readonly companyId: string;
  readonly rules: PartnerCheckRules;
  readonly windowStart: Date;
  readonly tradeLinesReported: number;
  readonly qualifies: boolean;
  readonly checksToday: number;
  readonly checksLeftToday: number;
  readonly checksMade: number;
  readonly dailyLimitResetsAt: Date;
}

export interface PartnerCheckActivity {
  readonly rules: PartnerCheckRules;
  readonly windowStart: Date;
  readonly members: readonly { readonly company: Company; readonly activity: MemberPartnerActivity }[];
}

export const MAX_CHECKS_LISTED = 1_000;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Partner checks, the way trade credit groups work (credit-anchors §2): a member judges a
 * fellow member before giving it credit, only while it contributes its own trade data (give
 * to get), a bounded number of times a day, and every check is logged where the checked
 * company sees it and in the audit log. What it sees is PartnerView: never records,
 * reporters, statements, reasons, score or PD, so no member learns who reported what.
 */
@Injectable()
export class PartnersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly companies: CompanyRepository,
    private readonly consortia: ConsortiumRepository,
    private readonly checks: PartnerCheckRepository,
    private readonly ratings: RatingRepository,
    private readonly scoringInputs: ScoringInputRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(actor: Actor, creditCodeInput: string): Promise<PartnerView> {
    this.policy.assertRole(actor, 'partner.check');
    const creditCode = parseCreditCode('creditCode', creditCodeInput);
    const db = this.dataSource.manager;
    const partner = await this.companies.findByCreditCode(db, creditCode);
    // credit codes are public: a code no company is registered under and a company of another
    // consortium get one and the same answer, so a check reveals neither who is on the platform
    // nor that a company is in another consortium
    if (!partner || partner.consortiumId !== actor.consortiumId) {
      throw new BadInputError('creditCode', `creditCode ${creditCode} is not a member of your consortium`);
    }
    const target = { companyId: partner.id, consortiumId: partner.consortiumId };
    // the policy refuses this as well; the message says why in the member's terms
    if (partner.id === actor.companyId) {
      throw new ForbiddenError('This is your own company: read its rating through company { rating }; a partner check is about another member', {
        operation: 'partner.check',
      });
    }
    this.policy.assert(actor, 'partner.check', target);
    const checker = actor.companyId as string;

    const at = this.clock.now();
    const rules = await this.rules(db, partner.consortiumId);
    const windowStart = monthsBefore(at, rules.contributionWindowMonths);
    const reported = (await this.checks.tradeLinesReported(db, [checker], windowStart)).get(checker) ?? 0;
    if (reported < rules.minTradeLines) {
      throw new ForbiddenError(
        `Partner checks are give to get: your company has reported ${plural(reported, 'trade experience')} in the last ` +
          `${plural(rules.contributionWindowMonths, 'month')}, and your consortium asks for at least ${rules.minTradeLines}. ` +
          `To qualify, report your customers' payment experience (reportTradeExperience, or a CSV import of your receivables); ` +
          `you may check partners as soon as it is filed.`,
        { operation: 'partner.check', reason: 'GIVE_TO_GET', tradeLinesReported: reported, required: rules.minTradeLines, windowMonths: rules.contributionWindowMonths },
      );
    }

    return this.dataSource.transaction(async (tx) => {
      const day = chinaCalendarDay(at);
      if ((await this.checks.takeDailyCheck(tx, checker, day, rules.dailyCheckLimit)) === null) {
        const resetsAt = nextChinaMidnight(at);
        throw new ForbiddenError(
          `Your company has made its ${plural(rules.dailyCheckLimit, 'partner check')} for today, the daily limit of your consortium; ` +
            `checks open again at 00:00 China Standard Time (${resetsAt.toISOString()})`,
          { operation: 'partner.check', reason: 'DAILY_LIMIT', limit: rules.dailyCheckLimit, resetsAt: resetsAt.toISOString() },
        );
      }
      const view = await this.view(tx, partner, at);
      const logged = await this.checks.log(tx, {
        consortiumId: partner.consortiumId,
        checkerCompanyId: checker,
        checkedBy: actor.id,
        partnerCompanyId: partner.id,
        at,
      });
      await this.audit.append(
        tx,
        [
          {
            action: 'partner.checked',
            actorId: actor.id,
            consortiumId: partner.consortiumId,
            companyId: partner.id,
            details: {
              checkId: logged.id,
              checkerCompanyId: checker,
              grade: view.grade,
              paymentIndex: view.paymentIndex,
              verifiedTradeLines: view.verifiedTradeLines,
            },
          },
        ],
        at,
      );
      return view;
    });
  }

  /** The checks made of a company, newest first. */
  async checksOf(actor: Actor, companyIdInput: string, first: number): Promise<PartnerCheck[]> {
    this.policy.assertRole(actor, 'partner.checks.read');
    const company = await this.company('companyId', companyIdInput);
    if (!Number.isInteger(first) || first < 1 || first > MAX_CHECKS_LISTED) {
      throw new BadInputError('first', `first must be a whole number from 1 to ${MAX_CHECKS_LISTED}`);
    }
    this.policy.assert(actor, 'partner.checks.read', { companyId: company.id, consortiumId: company.consortiumId });
    return this.checks.checksOf(this.dataSource.manager, company.id, first);
  }

  async allowance(actor: Actor, companyIdInput: string): Promise<PartnerCheckAllowance> {
    this.policy.assertRole(actor, 'partner.allowance.read');
    const company = await this.company('companyId', companyIdInput);
    this.policy.assert(actor, 'partner.allowance.read', { companyId: company.id, consortiumId: company.consortiumId });
    const db = this.dataSource.manager;
    const at = this.clock.now();
    const rules = await this.rules(db, company.consortiumId);
    const windowStart = monthsBefore(at, rules.contributionWindowMonths);
    const [activity] = await this.activityOf(db, [company.id], windowStart, at);
    return {
      companyId: company.id,
      rules,
      windowStart,
      tradeLinesReported: activity.tradeLinesReported,
      qualifies: activity.tradeLinesReported >= rules.minTradeLines,
      checksToday: activity.checksToday,
      checksLeftToday: Math.max(0, rules.dailyCheckLimit - activity.checksToday),
      checksMade: activity.checksMade,
      dailyLimitResetsAt: nextChinaMidnight(at),
    };
  }

  /** For the coordinator: every member's contribution and checks, in three set-based queries. */
  async activity(actor: Actor, consortiumIdInput: string): Promise<PartnerCheckActivity> {
    this.policy.assertRole(actor, 'partner.activity.read');
    const consortium = await this.consortium('consortiumId', consortiumIdInput);
    this.policy.assert(actor, 'partner.activity.read', { consortiumId: consortium.id });
    const db = this.dataSource.manager;
    const at = this.clock.now();
    const rules = await this.rules(db, consortium.id);
    const windowStart = monthsBefore(at, rules.contributionWindowMonths);
    const members = await this.companies.listByConsortium(db, consortium.id);
    const activity = await this.activityOf(
      db,
      members.map((m) => m.id),
      windowStart,
      at,
    );
    return { rules, windowStart, members: members.map((company, i) => ({ company, activity: activity[i] })) };
  }

  async setRules(actor: Actor, consortiumIdInput: string, input: PartnerCheckRulesInput): Promise<PartnerCheckRules> {
    this.policy.assertRole(actor, 'partner.rules.set');
    const consortiumId = parseId('consortiumId', consortiumIdInput);
    const rules = {
      contributionWindowMonths: bounded('input.contributionWindowMonths', input.contributionWindowMonths, PARTNER_CHECK_RULE_BOUNDS.contributionWindowMonths),
      minTradeLines: bounded('input.minTradeLines', input.minTradeLines, PARTNER_CHECK_RULE_BOUNDS.minTradeLines),
      dailyCheckLimit: bounded('input.dailyCheckLimit', input.dailyCheckLimit, PARTNER_CHECK_RULE_BOUNDS.dailyCheckLimit),
    };
    const consortium = await this.consortium('consortiumId', consortiumId);
    this.policy.assert(actor, 'partner.rules.set', { consortiumId: consortium.id });
    const at = this.clock.now();
    await this.dataSource.transaction(async (tx) => {
      await this.checks.setRules(tx, consortium.id, rules, actor.id, at);
      await this.audit.append(tx, [{ action: 'partner.rules.set', actorId: actor.id, consortiumId: consortium.id, details: rules }], at);
    });
    return { ...rules, custom: true };
  }

  /** The consortium's rules, or the platform's defaults (PARTNER_CHECK_*). */
  private async rules(db: Db, consortiumId: string): Promise<PartnerCheckRules> {
    const own = await this.checks.rules(db, consortiumId);
    if (own) return { ...own, custom: true };
    const d = this.config.partnerChecks;
    return { contributionWindowMonths: d.contributionWindowMonths, minTradeLines: d.minTradeLines, dailyCheckLimit: d.dailyLimit, custom: false };
  }

  private async activityOf(db: Db, companyIds: readonly string[], windowStart: Date, at: Date): Promise<MemberPartnerActivity[]> {
    const [lines, made, today] = await Promise.all([
      this.checks.tradeLinesReported(db, companyIds, windowStart),
      this.checks.checksSince(db, companyIds, windowStart),
      this.checks.checksOnDay(db, companyIds, chinaCalendarDay(at)),
    ]);
    return companyIds.map((id) => ({ companyId: id, tradeLinesReported: lines.get(id) ?? 0, checksMade: made.get(id) ?? 0, checksToday: today.get(id) ?? 0 }));
  }

  /**
   * The partner's grade and its payment index on the PAYDEX key over its verified trade
   * lines: the ones the ratings count (scoring-input rules: current, VERIFIED, past their
   * notice, not expired, an invoice filed by both sides once), due in the last 24 months.
   */
  private async view(db: Db, partner: Company, at: Date): Promise<PartnerView> {
    const asOf: IsoDate = toCalendarDate(at);
    const [rating, inputs] = await Promise.all([this.ratings.current(db, [partner.id]), this.scoringInputs.loadScoringInputs(db, [partner.id], asOf)]);
    const current = rating.get(partner.id) ?? null;
    const from = addMonths(asOf, -24);
    // the experiences paymentIndex reads (payment-behaviour.factor.ts): invoiced by asOf, due in the window
    const lines = (inputs.get(partner.id)?.tradeExperiences ?? []).filter((t) => t.invoiceDate <= asOf && t.dueDate > from);
    return {
      creditCode: partner.creditCode,
      companyName: partner.name,
      grade: current?.grade ?? null,
      paymentIndex: paymentIndex(lines, asOf),
      verifiedTradeLines: lines.length,
      asOf: current?.computedAt ?? null,
    };
  }

  private async company(field: string, idInput: string): Promise<Company> {
    const company = await this.companies.findById(this.dataSource.manager, parseId(field, idInput));
    if (!company) throw new NotFoundError('No such company');
    return company;
  }

  private async consortium(field: string, idInput: string): Promise<Consortium> {
    const consortium = await this.consortia.findById(this.dataSource.manager, parseId(field, idInput));
    if (!consortium) throw new NotFoundError('No such consortium');
    return consortium;
  }
}

function bounded(field: string, value: unknown, { min, max }: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadInputError(field, `${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}
