import { Args, Field, Float, ID, InputType, Int, ObjectType, Query, registerEnumType, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import type { CreditRating } from '@app/domain/scoring';
import { CalendarDateScalar } from '@api/common/scalars';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { FinancialStatementInput } from '@api/records/dto/record-inputs';
import { PaymentKind } from '@api/records/models/record-enums';
import { toCreditRatingModel } from './credit-rating.mapper';
import { CreditRatingModel } from './models/credit-rating.model';
import { WHAT_IF_KINDS, type WhatIfKind, WhatIfService } from './what-if.service';

const WhatIfKindEnum = Object.fromEntries(WHAT_IF_KINDS.map((k) => [k, k])) as Record<WhatIfKind, WhatIfKind>;
registerEnumType(WhatIfKindEnum, {
  name: 'WhatIfKind',
  valuesMap: {
    PAY_SUPPLIER_SOONER: { description: "pay a supplier's invoices (creditorId; one: invoiceId) `days` sooner; an unpaid one is paid that many days before today" },
    SETTLE_OVERDUE_INVOICES: { description: 'settle every overdue unpaid invoice today' },
    PAY_OBLIGATIONS_ON_TIME: { description: 'pay every tax, social insurance, utility or rent payment (or those of obligationKind) on its due date' },
    END_PUBLIC_RECORD: { description: 'a public record (recordId) ends on endedOn' },
    RELEASE_GUARANTEE: { description: 'a guarantee the company gave (guaranteeId) is released' },
    ADD_STATEMENT: { description: 'a new financial statement (statement), checked as submitFinancialStatement checks it' },
  },
});

@InputType('WhatIfChangeInput', { description: 'one hypothetical change: its kind, and the fields that kind reads' })
export class WhatIfChangeInputModel {
  @Field(() => WhatIfKindEnum) kind: WhatIfKind;
  @Field(() => ID, { nullable: true }) creditorId?: string | null;
  @Field(() => ID, { nullable: true, description: 'the trade experience (record id) to pay sooner; none: every invoice of the supplier' }) invoiceId?: string | null;
  @Field(() => Int, { nullable: true }) days?: number | null;
  @Field(() => PaymentKind, { nullable: true }) obligationKind?: string | null;
  @Field(() => ID, { nullable: true }) recordId?: string | null;
  @Field(() => CalendarDateScalar, { nullable: true }) endedOn?: string | null;
  @Field(() => ID, { nullable: true }) guaranteeId?: string | null;
  @Field(() => FinancialStatementInput, { nullable: true }) statement?: FinancialStatementInput | null;
}

@ObjectType('WhatIf', { description: 'the stand-alone rating as it stands and after the changes (the backed rating is not simulated)' })
export class WhatIfModel {
  @Field(() => CreditRatingModel) before: CreditRatingModel;
  @Field(() => CreditRatingModel) after: CreditRatingModel;
  @Field(() => Int) scoreChange: number;
  @Field(() => Float) pdChange: number;
  @Field(() => Int, { description: 'grades gained (positive) or lost (negative)' }) gradeNotches: number;
}

const asView = (r: CreditRating, at: Date) =>
  toCreditRatingModel({ score: r.score, grade: r.grade, pd: r.pd, reasons: r.reasons, factors: r.factors, backed: null, verifiedRecords: r.verifiedRecords, modelVersion: r.modelVersion, computedAt: at });

@Resolver(() => WhatIfModel)
export class WhatIfResolver {
  constructor(private readonly whatIfs: WhatIfService) {}

  @Query(() => WhatIfModel, { complexity: 100, description: "the company's MEMBERs, about their own company; ADMIN: its rating after hypothetical changes, computed, never written" })
  async whatIf(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID }) companyId: string,
    @Args('changes', { type: () => [WhatIfChangeInputModel] }) changes: WhatIfChangeInputModel[],
    @Ctx() ctx: RequestContext,
  ): Promise<WhatIfModel> {
    const result = await this.whatIfs.whatIf(actor, companyId, changes as never, ctx.loaders);
    return Object.assign(new WhatIfModel(), {
      before: asView(result.before, result.computedAt),
      after: asView(result.after, result.computedAt),
      scoreChange: result.scoreChange,
      pdChange: result.pdChange,
      gradeNotches: result.gradeNotches,
    });
  }
}
