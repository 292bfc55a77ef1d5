/** How figures and codes read on the page: Chinese first, the contract's code where useful. */

export const ROLE_LABEL: Readonly<Record<string, string>> = {
  ADMIN: '平台管理员',
  COORDINATOR: '联盟协调员',
  MEMBER: '成员企业',
  BANK: '银行',
};

export const STATUS_LABEL: Readonly<Record<string, string>> = {
  PENDING: '待确认',
  VERIFIED: '已核实',
  DISPUTED: '有异议',
  REJECTED: '已驳回',
};

export const PURPOSE_LABEL: Readonly<Record<string, string>> = {
  LOAN_APPLICATION: '贷款申请',
  ACCOUNT_REVIEW: '账户审查',
  MONITORING: '贷后监测',
};

export const SCOPE_LABEL: Readonly<Record<string, string>> = {
  RATING: '信用评级',
  REPORT: '评级与完整信用报告',
};

export const FACTOR_LABEL: Readonly<Record<string, string>> = {
  PAYMENT_BEHAVIOUR: '付款表现',
  FINANCIAL_STRENGTH: '财务实力',
  OBLIGATIONS: '税费与公用事业缴纳',
  PUBLIC_RECORD: '公共记录',
  SOFT_INFORMATION: '软信息',
  NETWORK: '关联网络',
};

export const RECORD_KIND_LABEL: Readonly<Record<string, string>> = {
  TradeExperience: '交易付款记录',
  FinancialStatement: '财务报表',
  PaymentRecord: '缴费记录',
  LoanRecord: '贷款记录',
  PublicRecord: '公共记录',
  Guarantee: '担保',
  SoftSignal: '软信息',
};

export const RESOLUTION_LABEL: Readonly<Record<string, string>> = {
  RECORD_CONFIRMED: '记录成立（核实）',
  RECORD_REJECTED: '记录有误（驳回）',
};

/** A label from a table, or the code itself when the table does not know it. */
export function label(table: Readonly<Record<string, string>>, code: string | null | undefined): string {
  if (code === null || code === undefined) return '—';
  return table[code] ?? code;
}

/** A probability as a percentage: 0.0123 -> "1.23%", small ones with more digits. */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const pct = value * 100;
  const digits = pct !== 0 && Math.abs(pct) < 0.1 ? 3 : 2;
  return `${pct.toFixed(digits)}%`;
}

/** A plain number with a fixed number of decimals. */
export function fixed(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

/**
 * A Decimal (an exact amount as a string) grouped in thousands, never through a float:
 * "1234567.5" -> "1,234,567.50".
 */
export function money(decimal: string | null | undefined): string {
  if (decimal === null || decimal === undefined || decimal === '') return '—';
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) return decimal;
  const [, sign, whole, frac = ''] = match;
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}.${frac.padEnd(2, '0')}`;
}

/** An ISO instant in the reader's time zone: "2026-03-01 14:05". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The tone of a grade, for colour (always shown with the grade's text too). */
export function gradeTone(grade: string | null | undefined): 'strong' | 'good' | 'fair' | 'weak' | 'none' {
  switch (grade) {
    case 'AAA':
    case 'AA':
    case 'A':
      return 'strong';
    case 'BBB':
      return 'good';
    case 'BB':
    case 'B':
      return 'fair';
    case 'CCC':
    case 'CC':
    case 'C':
    case 'D':
      return 'weak';
    default:
      return 'none';
  }
}

/** The end of a calendar day in the reader's time zone, as an ISO instant (a consent's expiry). */
export function endOfLocalDay(date: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const d = new Date(`${date}T23:59:59`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
