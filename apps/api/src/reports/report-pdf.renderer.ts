import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { CreditReport, PaymentGroup, RatingView } from '@app/domain';
import PDFDocument from 'pdfkit';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';

const BUNDLED_FONT = join('assets', 'fonts', 'wqy-microhei.ttc');
/** The face of the collection to use; a plain .ttf/.otf needs none. */
const FONT_FACE = 'WenQuanYiMicroHei';
const SYSTEM_FONTS = ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'];

/** The bundled CJK font, found from this file upwards (source tree or dist), else the system's. */
export function findReportFont(configured: string | null): string {
  if (configured) {
    if (!existsSync(configured)) throw new Error(`REPORT_FONT_PATH: no font at ${configured}`);
    return configured;
  }
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, BUNDLED_FONT);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  const system = SYSTEM_FONTS.find((path) => existsSync(path));
  if (system) return system;
  throw new Error(`no CJK font for credit reports: expected ${BUNDLED_FONT} in the repository, or set REPORT_FONT_PATH`);
}

const PURPOSE_ZH: Readonly<Record<string, string>> = { LOAN_APPLICATION: '贷款申请 Loan application', ACCOUNT_REVIEW: '贷后管理 Account review', MONITORING: '监测 Monitoring' };
const KIND_ZH: Readonly<Record<string, string>> = {
  TAX: '税费 Tax',
  SOCIAL_INSURANCE: '社保 Social insurance',
  UTILITY: '水电 Utilities',
  RENT: '租金 Rent',
  JUDGMENT: '判决 Judgment',
  ENFORCEMENT: '被执行 Enforcement',
  DISHONEST_DEBTOR: '失信被执行人 Dishonest debtor',
  ADMINISTRATIVE_PENALTY: '行政处罚 Administrative penalty',
  CERTIFICATION: '认证 Certification',
  REPUTATION: '客户评价 Reputation',
  COMMUNITY_WORK: '社会责任 Community work',
  OWNER_CREDIT_BAND: '业主信用 Owner credit band',
  TRADE_EXPERIENCE: '付款记录 Trade experience',
  PAYMENT_RECORD: '履约记录 Payment',
  LOAN_RECORD: '银行借款 Bank loan',
  PUBLIC_RECORD: '公共记录 Public record',
};

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const day = (d: Date): string => d.toISOString().slice(0, 10);
/** A Decimal string as money: "-1234567.50" -> "-¥1,234,567.50". */
export function yuan(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole, fraction = '00'] = (negative ? decimal.slice(1) : decimal).split('.');
  return `${negative ? '-' : ''}¥${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction.padEnd(2, '0')}`;
}

/**
 * The credit report as a PDF (pdfkit), bilingual headings, Chinese names in a bundled CJK
 * font (pdfkit embeds only the glyphs used). Disputed records carry the mark 【有异议 DISPUTED】.
 */
@Injectable()
export class ReportPdfRenderer implements OnModuleInit {
  private fontPath = '';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    // found once at start: a missing font is a deployment error, not a failed report later
    this.fontPath = findReportFont(this.config.bankAccess.reportFontPath);
  }

  render(report: CreditReport): Promise<Buffer> {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: 56, bottom: 56, left: 56, right: 56 },
      info: { Title: `企业信用报告 ${report.identification.name}`, Author: 'Credit Alliance', Subject: `Inquiry ${report.inquiryId}` },
      bufferPages: true,
    });
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    doc.registerFont('cjk', this.fontPath, this.fontPath.endsWith('.ttc') ? FONT_FACE : undefined);
    doc.font('cjk');
    new ReportWriter(doc, report).write();
    doc.end();
    return done;
  }
}

class ReportWriter {
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly r: CreditReport,
  ) {}

  write(): void {
    const { doc, r } = this;
    doc.fontSize(20).fillColor('#1f3a5f').text('企业信用报告', { align: 'center' });
    doc.fontSize(11).fillColor('#555').text('Business Credit Report · Credit Alliance', { align: 'center' }).moveDown(0.8);
    doc.fontSize(16).fillColor('#000').text(r.identification.name, { align: 'center' });
    doc.fontSize(10).fillColor('#333').text(`统一社会信用代码 Credit code: ${r.identification.creditCode}`, { align: 'center' }).moveDown();
    this.rows([
      ['报告编号 Inquiry', r.inquiryId],
      ['生成时间 Generated', r.generatedAt.toISOString().replace('T', ' ').slice(0, 19) + ' UTC'],
      ['查询机构 For', r.bankName],
      ['查询原因 Purpose', PURPOSE_ZH[r.purpose] ?? r.purpose],
    ]);

    this.section('一、身份信息 Identification');
    this.rows([
      ['企业名称 Name', r.identification.name],
      ['信用代码 Credit code', r.identification.creditCode],
      ['所属联盟 Consortium', r.identification.consortiumName],
      ['地区 Region', r.identification.region],
      ['行业 Industry', r.identification.industry],
      ['入盟日期 Member since', r.identification.memberSince],
    ]);

    this.section('二、信用评级 Ratings');
    this.rating(r.rating);
    this.subsection('评级历史 Rating history (24 months)');
    this.table(
      ['日期 Date', '评分 Score', '等级 Grade', 'PD', '担保增信 Backed', '原因 Reasons'],
      r.ratingHistory.map((p) => [day(p.computedAt), String(p.score), p.grade, pct(p.pd), p.backedGrade ?? '—', p.reasonCodes.join(', ')]),
      [70, 50, 50, 55, 65, 190],
    );

    this.section('三、联盟整体评级 Consortium standing');
    if (r.standing) {
      this.rows([
        ['联盟等级 Grade', r.standing.grade],
        ['加权违约率 Weighted PD', pct(r.standing.weightedPd)],
        ['担保覆盖率 Guarantee coverage', r.standing.guaranteeCoverage.toFixed(2)],
        ['成员数 Members', String(r.standing.members)],
        ['计算时间 Computed', day(r.standing.computedAt)],
      ]);
    } else this.note('尚未计算 Not yet computed');

    this.section('四、付款表现 Payment behaviour');
    const pay = r.paymentBehaviour;
    this.rows([
      ['付款指数 Payment index (PAYDEX key)', pay.paymentIndex === null ? '不足3笔 fewer than 3 experiences' : String(pay.paymentIndex)],
      ['交易笔数 Experiences', String(pay.experiences)],
      ['金额合计 Total amount', yuan(pay.totalAmount)],
      ['有异议笔数 Disputed', String(pay.disputed)],
    ]);
    const groupRows = (groups: readonly PaymentGroup[]) => groups.map((g) => [g.label, String(g.experiences), yuan(g.amount), g.daysBeyondTerms.toFixed(1), pct(g.severelyLateShare)]);
    this.subsection('按月 By month (days beyond terms)');
    this.table(['月份 Month', '笔数 Lines', '金额 Amount', '逾期天数 DBT', '>30天 Severe'], groupRows(pay.byMonth), [90, 60, 130, 90, 110]);
    this.subsection('按金额 By amount');
    this.table(['金额段 Bucket', '笔数 Lines', '金额 Amount', '逾期天数 DBT', '>30天 Severe'], groupRows(pay.byAmount), [90, 60, 130, 90, 110]);

    this.section('五、财务信息 Financial statements and ratios');
    this.table(
      ['年度 Year', '收入 Revenue', '净利 Net income', '总资产 Assets', '总负债 Liabilities', '权益 Equity'],
      r.financialYears.map((y) => [
        `${y.fiscalYear}${y.audited ? ' (审计)' : ''}${y.disputed ? ' 【有异议 DISPUTED】' : ''}`,
        yuan(y.revenue),
        yuan(y.netIncome),
        yuan(y.totalAssets),
        yuan(y.totalLiabilities),
        yuan(y.equity),
      ]),
      [90, 80, 80, 80, 80, 70],
    );
    for (const y of r.financialYears) {
      const shown = y.ratios.filter((x) => x.value !== null);
      if (shown.length) this.note(`${y.fiscalYear}: ${shown.map((x) => `${x.name} ${(x.value as number).toFixed(3)}`).join(' · ')}`);
    }

    this.section('六、履约信息 Obligations');
    this.table(
      ['类别 Kind', '笔数 Payments', '按时 On time', '逾期 Late', '未付 Unpaid', '金额 Amount', '异议 Disputed'],
      r.obligations.byKind.map((k) => [KIND_ZH[k.kind] ?? k.kind, String(k.payments), String(k.onTime), String(k.late), String(k.unpaid), yuan(k.amount), String(k.disputed)]),
      [110, 55, 55, 50, 50, 90, 50],
    );
    const tax = r.obligations.taxCreditGrade;
    this.note(`纳税信用等级 Tax credit grade: ${tax ? `${tax.grade} (${tax.taxYear})${tax.disputed ? ' 【有异议 DISPUTED】' : ''}` : '—'}`);
    this.subsection('银行借款 Bank loans');
    this.table(
      ['贷款机构 Lender', '本金 Principal', '余额 Outstanding', '起始 Start', '逾期天数 DPD', '状态 Status'],
      r.loans.map((l) => [
        l.lender,
        yuan(l.principal),
        yuan(l.outstanding),
        l.startDate,
        String(l.daysPastDue),
        `${l.defaultedOn ? `违约 default ${l.defaultedOn}${l.curedOn ? ` 已纠正 cured ${l.curedOn}` : ''}` : '正常 performing'}${l.disputed ? ' 【有异议 DISPUTED】' : ''}`,
      ]),
      [90, 75, 75, 65, 55, 140],
    );

    this.section('七、公共记录 Public records');
    this.table(
      ['类别 Kind', '案号 Case', '机关 Authority', '日期 Date', '结束 Ended', '金额 Amount'],
      r.publicRecords.map((p) => [
        `${KIND_ZH[p.kind] ?? p.kind}${p.disputed ? ' 【有异议 DISPUTED】' : ''}`,
        p.caseNo,
        p.authority,
        p.eventDate,
        p.endedOn ?? '—',
        p.amount ? yuan(p.amount) : '—',
      ]),
      [110, 80, 100, 60, 60, 70],
    );

    this.section('八、担保信息 Guarantees');
    const guaranteeRows = (gs: CreditReport['guaranteesGiven']) =>
      gs.map((g) => [`${g.counterparty}${g.disputed ? ' 【有异议 DISPUTED】' : ''}`, yuan(g.amount), g.startDate, g.endDate ?? '—']);
    this.subsection('对外担保 Given (for the debt of)');
    this.table(['被担保方 Borrower', '金额 Amount', '起始 Start', '结束 End'], guaranteeRows(r.guaranteesGiven), [200, 100, 90, 90]);
    this.subsection('接受担保 Received (guaranteed by)');
    this.table(['担保方 Guarantor', '金额 Amount', '起始 Start', '结束 End'], guaranteeRows(r.guaranteesReceived), [200, 100, 90, 90]);

    this.section('九、软信息 Soft information');
    this.table(
      ['类别 Kind', '说明 Reference', '值 Value', '记录日 Recorded', '有效至 Valid until'],
      r.softInformation.map((s) => [`${KIND_ZH[s.kind] ?? s.kind}${s.disputed ? ' 【有异议 DISPUTED】' : ''}`, s.reference, String(s.value), s.recordedOn, s.validUntil ?? '—']),
      [130, 150, 40, 80, 80],
    );

    this.section('十、异议 Open disputes');
    this.table(
      ['记录类别 Record', '提出时间 Opened', '处理期限 Deadline'],
      r.openDisputes.map((d) => [d.recordKind, day(d.openedAt), d.deadline]),
      [200, 140, 140],
    );

    this.section('十一、企业声明 Company statements');
    this.table(
      ['记录类别 Record', '所涉记录 About', '声明 Statement', '声明日 Made'],
      r.companyStatements.map((c) => [KIND_ZH[c.recordKind] ?? c.recordKind, c.about, c.statement, day(c.madeAt)]),
      [90, 120, 200, 70],
    );

    this.section('十二、查询记录 Inquiries (12 months)');
    this.table(
      ['日期 Date', '查询机构 Bank', '原因 Purpose', '范围 Scope'],
      r.inquiries.map((i) => [day(i.at), i.bankName, PURPOSE_ZH[i.purpose] ?? i.purpose, i.scope]),
      [80, 170, 150, 80],
    );

    doc.moveDown(1.5).fontSize(8).fillColor('#666');
    doc.text(
      '本报告仅供上述机构按所述原因使用，依据企业授权生成，查询已记录并告知企业。已过5年期限的负面信息和被驳回的记录不予显示；有异议的记录已标注。' +
        ' This report is for the named bank and purpose only, made with the company’s consent; the inquiry is recorded and shown to the company. Negative information past its 5-year expiry and rejected records are never shown; disputed records are marked.',
    );
    this.pageNumbers();
  }

  private section(title: string): void {
    if (this.doc.y > this.doc.page.height - 140) this.doc.addPage();
    this.doc.moveDown(0.9).fontSize(13).fillColor('#1f3a5f').text(title).moveDown(0.3);
    this.doc.fillColor('#000').fontSize(9.5);
  }

  private subsection(title: string): void {
    // keep a heading with the first lines of what it heads
    if (this.doc.y > this.doc.page.height - this.doc.page.margins.bottom - 70) this.doc.addPage();
    this.doc.moveDown(0.4).fontSize(10.5).fillColor('#333').text(title).fillColor('#000').fontSize(9.5).moveDown(0.2);
  }

  private note(text: string): void {
    this.doc.fontSize(9).fillColor('#444').text(text).fillColor('#000').fontSize(9.5);
  }

  private rows(pairs: readonly [string, string][]): void {
    const { doc } = this;
    const x = doc.page.margins.left;
    for (const [label, value] of pairs) {
      const y = doc.y;
      doc.fontSize(9.5).fillColor('#555').text(label, x, y, { width: 170 });
      doc.fillColor('#000').text(value, x + 175, y, { width: doc.page.width - doc.page.margins.right - x - 175 });
      doc.x = x;
    }
  }

  private rating(r: RatingView | null): void {
    if (!r) {
      this.note('尚未评级 Not yet rated');
      return;
    }
    this.rows([
      ['独立评分 Stand-alone score', `${r.score} / 900`],
      ['独立等级 Stand-alone grade', r.grade],
      ['一年违约概率 One-year PD', pct(r.pd)],
      ['担保增信等级 Backed grade', r.backed ? `${r.backed.grade} (PD ${pct(r.backed.pd)}, +${r.backed.notchesUplift} notch)` : '无 None'],
      ['依据已核实记录 Verified records', String(r.verifiedRecords)],
      ['模型 Model', `${r.modelVersion}, ${day(r.computedAt)}`],
    ]);
    this.subsection('主要原因 Reasons (most important first)');
    this.table(
      ['代码 Code', '说明 Description'],
      r.reasons.map((x) => [x.code, `${x.descriptionZh} · ${x.description}`]),
      [130, 350],
    );
    this.subsection('因子 Factors');
    this.table(
      ['因子 Factor', '分值 Score', '权重 Weight'],
      r.factors.map((f) => [f.name, f.score.toFixed(1), f.weight.toFixed(2)]),
      [200, 100, 100],
    );
  }

  /** A simple table: a header row, then rows; "无记录 None" when there are none. */
  private table(header: readonly string[], rows: readonly (readonly string[])[], widths: readonly number[]): void {
    const { doc } = this;
    const x0 = doc.page.margins.left;
    if (rows.length === 0) {
      this.note('无记录 None');
      return;
    }
    const line = (cells: readonly string[], bold: boolean) => {
      const heights = cells.map((c, i) => doc.heightOfString(c, { width: widths[i] - 4 }));
      const h = Math.max(...heights) + 4;
      if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
      const y = doc.y;
      if (bold) doc.rect(x0, y - 1, widths.reduce((a, b) => a + b, 0), h).fill('#eef2f7').fillColor('#000');
      let x = x0;
      cells.forEach((c, i) => {
        doc.fillColor(bold ? '#1f3a5f' : c.includes('DISPUTED') ? '#b00020' : '#000').text(c, x + 2, y + 1, { width: widths[i] - 4 });
        x += widths[i];
      });
      doc.x = x0;
      doc.y = y + h;
    };
    doc.fontSize(8.5);
    // a header never ends a page alone
    if (doc.y + 40 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    line(header, true);
    for (const row of rows) line(row, false);
    doc.fillColor('#000').fontSize(9.5).moveDown(0.3);
  }

  private pageNumbers(): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .fontSize(8)
        .fillColor('#888')
        .text(`${this.r.identification.name} · ${this.r.identification.creditCode} · ${i + 1} / ${range.count}`, doc.page.margins.left, doc.page.height - 36, {
          align: 'center',
          width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
        });
      doc.page.margins.bottom = bottom;
    }
  }
}
