import { Module } from '@nestjs/common';
import { ReportPdfRenderer } from './report-pdf.renderer';
import { ReportsResolver } from './reports.resolver';
import { ReportsService } from './reports.service';

@Module({
  providers: [ReportsResolver, ReportsService, ReportPdfRenderer],
  exports: [ReportsService, ReportPdfRenderer],
})
export class ReportsModule {}
