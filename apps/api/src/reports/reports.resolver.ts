import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Actor, InquiryPurpose as InquiryPurposeValue } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { InquiryPurpose } from '@api/consents/models/bank-access.enums';
import { CreditReportModel, toCreditReportModel } from './models/credit-report.model';
import { ReportsService } from './reports.service';

@Resolver(() => CreditReportModel)
export class ReportsResolver {
  constructor(private readonly reports: ReportsService) {}

  @Query(() => CreditReportModel, {
    complexity: 100,
    description:
      "BANK only, while the company has an active REPORT consent for this bank: the full credit report (as a PDF: GET /v1/reports/{creditCode}/pdf?purpose=...). Every successful call is an Inquiry the company sees.",
  })
  async creditReport(
    @CurrentActor() actor: Actor,
    @Args('creditCode') creditCode: string,
    @Args('purpose', { type: () => InquiryPurpose }) purpose: InquiryPurposeValue,
  ): Promise<CreditReportModel> {
    return toCreditReportModel(await this.reports.report(actor, creditCode, purpose, 'GRAPHQL'));
  }
}
