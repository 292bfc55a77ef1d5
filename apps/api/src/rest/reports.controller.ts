import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { INQUIRY_PURPOSES } from '@app/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReportPdfRenderer } from '@api/reports/report-pdf.renderer';
import { ReportsService } from '@api/reports/reports.service';
import { BankAuthenticator } from './bank-authenticator';
import { ErrorDto } from './dto/rating.response';
import { RestExceptionFilter } from './rest-exception.filter';

/** The credit report as a PDF, for the loan file: same consent rule (REPORT) and inquiry as GraphQL's creditReport. */
@ApiTags('reports')
@ApiSecurity('apiKey')
@Controller('v1/reports')
@UseFilters(RestExceptionFilter)
export class ReportsController {
  constructor(
    private readonly auth: BankAuthenticator,
    private readonly reports: ReportsService,
    private readonly pdf: ReportPdfRenderer,
  ) {}

  @Get(':creditCode/pdf')
  @ApiOperation({ summary: "A company's full credit report as a PDF", description: 'Needs an active REPORT consent from the company for the calling bank; recorded as an inquiry the company sees.' })
  @ApiParam({ name: 'creditCode', example: '91330300MA2AYBGX0A' })
  @ApiQuery({ name: 'purpose', enum: INQUIRY_PURPOSES, required: true })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the report', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 401, type: ErrorDto })
  @ApiResponse({ status: 403, type: ErrorDto, description: 'not a bank, or no active REPORT consent (no inquiry is recorded)' })
  async pdfReport(@Req() request: FastifyRequest, @Param('creditCode') creditCode: string, @Query('purpose') purpose: string, @Res() reply: FastifyReply): Promise<void> {
    const actor = await this.auth.bank(request.headers);
    const report = await this.reports.report(actor, creditCode, purpose, 'REST');
    const pdf = await this.pdf.render(report);
    void reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="credit-report-${report.identification.creditCode}-${report.inquiryId}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  }
}
