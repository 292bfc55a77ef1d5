import { Injectable } from '@nestjs/common';
import {
  type Actor,
  apiInput,
  BadInputError,
  Clock,
  decimalToFen,
  fenToNumber,
  NotFoundError,
  PAYMENT_KINDS,
  parseFinancialStatementInput,
  parseId,
  STATEMENT_OPTIONAL_ITEMS,
  STATEMENT_REQUIRED_ITEMS,
  toCalendarDate,
} from '@app/domain';
import type { FinancialStatement, ObligationKind, ScoringInput } from '@app/domain/scoring';
import { RatingModelRepository, RatingRepository, ScoringInputRepository } from '@app/persistence';
import { DEFAULT_RATING_MODEL, simulate, type WhatIfChange, type WhatIfResult } from '@app/scoring';
import { DataSource } from 'typeorm';
import type { Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';

/** The most changes one what-if applies. */
export const MAX_WHAT_IF_CHANGES = 20;

export const WHAT_IF_KINDS = ['PAY_SUPPLIER_SOONER', 'SETTLE_OVERDUE_INVOICES', 'PAY_OBLIGATIONS_ON_TIME', 'END_PUBLIC_RECORD', 'RELEASE_GUARANTEE', 'ADD_STATEMENT'] as const;
export type WhatIfKind = (typeof WHAT_IF_KINDS)[number];

/** One hypothetical change as the API takes it: its kind and the fields that kind reads. */
export interface WhatIfChangeInput {
  readonly kind: WhatIfKind;
  readonly creditorId?: string | null;
  readonly invoiceId?: string | null;
  readonly days?: number | null;
  readonly obligationKind?: string | null;
  readonly recordId?: string | null;
  readonly endedOn?: string | null;
  readonly guaranteeId?: string | null;
  readonly statement?: Record<string, unknown> | null;
}

/**
 * "What if": a company's stand-alone rating as it stands and after hypothetical changes (pay
 * a supplier sooner, settle what is overdue, pay obligations on time, a public record ended,
 * a guarantee released, a new statement), computed by the scoring engine's `simulate` on the
 * records that count today, the partners' current PDs included, with the consortium's active
 * model, exactly as a recompute would
 * rate it. A company asks about itself (its MEMBERs; ADMIN). Nothing is written: no rating,
 * no inquiry, no audit entry.
 */
@Injectable()
export class WhatIfService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scoringInputs: ScoringInputRepository,
    private readonly ratings: RatingRepository,
    private readonly models: RatingModelRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  /** The simulation, and when it was computed (the clock's now, whose day is its asOf). */
  async whatIf(
    actor: Actor,
    companyIdInput: string,
    changesInput: readonly WhatIfChangeInput[],
    loaders: Loaders,
  ): Promise<WhatIfResult & { readonly computedAt: Date }> {
    this.policy.assertRole(actor, 'company.whatIf');
    const computedAt = this.clock.now();
    const asOf = toCalendarDate(computedAt);
    const changes = parseChanges(changesInput, asOf);
    const company = await loaders.company.load(parseId('companyId', companyIdInput));
    if (!company) throw new NotFoundError('No such company', { field: 'companyId' });
    this.policy.assert(actor, 'company.whatIf', { companyId: company.id, consortiumId: company.consortiumId });
    // one snapshot, read only: the records and the partners' ratings as of one moment
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      const raw = (await this.scoringInputs.loadScoringInputs(tx, [company.id], asOf)).get(company.id) as ScoringInput;
      const partners = await this.ratings.currentScores(tx, [...new Set(raw.counterparties.map((c) => c.counterpartyId))]);
      const input: ScoringInput = { ...raw, counterparties: raw.counterparties.map((c) => ({ ...c, pd: partners.get(c.counterpartyId)?.pd ?? null })) };
      refuseForeignIds(changes, input);
      const spec = (await this.models.activeSpecs(tx, [company.consortiumId])).get(company.consortiumId) ?? DEFAULT_RATING_MODEL;
      return { ...simulate(input, changes, asOf, spec), computedAt };
    });
  }
}

/**
 * A change must name the company's own records that count today: an id it does not hold (a
 * typo, another company's record, a disputed one) would change nothing and read as "this
 * would not help". The same answer whether or not the id exists elsewhere, so nothing leaks.
 */
function refuseForeignIds(changes: readonly WhatIfChange[], input: ScoringInput): void {
  const notHeld = (field: string): BadInputError => new BadInputError(field, `${field} is not a record of this company that counts today`);
  changes.forEach((c, i) => {
    switch (c.kind) {
      case 'PAY_SUPPLIER_SOONER': {
        const lines = input.tradeExperiences.filter((t) => t.creditorId === c.creditorId);
        if (lines.length === 0) throw new BadInputError(`changes[${i}].creditorId`, `changes[${i}].creditorId is no supplier of this company's invoices that count today`);
        if (c.invoiceId !== undefined && !lines.some((t) => t.id === c.invoiceId)) throw notHeld(`changes[${i}].invoiceId`);
        break;
      }
      case 'END_PUBLIC_RECORD':
        if (!input.publicRecords.some((r) => r.id === c.recordId)) throw notHeld(`changes[${i}].recordId`);
        break;
      case 'RELEASE_GUARANTEE':
        if (!input.guaranteesGiven.some((g) => g.id === c.guaranteeId)) throw notHeld(`changes[${i}].guaranteeId`);
        break;
      default:
        break;
    }
  });
}

function parseChanges(list: readonly WhatIfChangeInput[], asOf: string): WhatIfChange[] {
  if (!Array.isArray(list) || list.length === 0) throw new BadInputError('changes', 'changes must list at least one change');
  if (list.length > MAX_WHAT_IF_CHANGES) throw new BadInputError('changes', `changes may list at most ${MAX_WHAT_IF_CHANGES}`);
  return list.map((c, i) => {
    const field = (name: string): string => `changes[${i}].${name}`;
    const id = (name: 'creditorId' | 'invoiceId' | 'recordId' | 'guaranteeId', required: boolean): string | undefined => {
      const value = c?.[name];
      if (value === undefined || value === null) {
        if (required) throw new BadInputError(field(name), `${field(name)} is needed for ${c.kind}`);
        return undefined;
      }
      return parseId(field(name), value);
    };
    switch (c?.kind) {
      case 'PAY_SUPPLIER_SOONER': {
        const days = c.days;
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) throw new BadInputError(field('days'), `${field('days')} must be a whole number of days from 1 to 3650`);
        return { kind: c.kind, creditorId: id('creditorId', true) as string, days, invoiceId: id('invoiceId', false) };
      }
      case 'SETTLE_OVERDUE_INVOICES':
        return { kind: c.kind };
      case 'PAY_OBLIGATIONS_ON_TIME': {
        const kind = c.obligationKind ?? undefined;
        if (kind !== undefined && !(PAYMENT_KINDS as readonly string[]).includes(kind)) throw new BadInputError(field('obligationKind'), `${field('obligationKind')} must be one of ${PAYMENT_KINDS.join(', ')}`);
        return { kind: c.kind, obligationKind: kind as ObligationKind | undefined };
      }
      case 'END_PUBLIC_RECORD': {
        const endedOn = c.endedOn;
        if (typeof endedOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(endedOn) || endedOn > asOf) throw new BadInputError(field('endedOn'), `${field('endedOn')} must be a date not after today (${asOf})`);
        return { kind: c.kind, recordId: id('recordId', true) as string, endedOn };
      }
      case 'RELEASE_GUARANTEE':
        return { kind: c.kind, guaranteeId: id('guaranteeId', true) as string };
      case 'ADD_STATEMENT': {
        if (!c.statement) throw new BadInputError(field('statement'), `${field('statement')} is needed for ADD_STATEMENT`);
        // the rules a filing of it would meet (submitFinancialStatement), naming its fields
        const { payload } = parseFinancialStatementInput(apiInput(asOf, field('statement')), c.statement);
        const items = payload as unknown as Record<string, string | null>;
        const statement: Record<string, unknown> = { id: `what-if-${i}`, fiscalYear: payload.fiscalYear };
        for (const name of [...STATEMENT_REQUIRED_ITEMS, ...STATEMENT_OPTIONAL_ITEMS]) {
          if (items[name] !== null && items[name] !== undefined) statement[name] = fenToNumber(decimalToFen(items[name] as string));
        }
        return { kind: c.kind, statement: statement as unknown as FinancialStatement };
      }
      default:
        throw new BadInputError(field('kind'), `${field('kind')} must be one of ${WHAT_IF_KINDS.join(', ')}`);
    }
  });
}
