import { type Child, h, table } from './dom.js';
import { dateTime, label, money, RECORD_KIND_LABEL, STATUS_LABEL } from './format.js';
import type { CreditRecord } from './operations.js';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `status status-${status.toLowerCase()}` }, label(STATUS_LABEL, status));
}

/** What a record is about, in one line. */
function summary(r: CreditRecord): Child {
  if (r.__typename === 'TradeExperience') {
    const late = r.daysBeyondTerms;
    return h(
      'span',
      {},
      `发票 ${r.invoiceNo ?? ''} · ¥${money(r.amount)} · 到期 ${r.dueDate ?? '—'} · ${r.paidDate ? `付款 ${r.paidDate}` : '未付'}`,
      late === null || late === undefined ? null : h('span', { class: late > 0 ? 'late' : 'on-time' }, late > 0 ? ` · 逾期 ${late} 天` : ' · 按期'),
    );
  }
  if (r.__typename === 'FinancialStatement') {
    return `${r.fiscalYear ?? ''} 年度 · 营收 ¥${money(r.revenue)} · 净利 ¥${money(r.netIncome)} · 总资产 ¥${money(r.totalAssets)}`;
  }
  return '—';
}

/** Records with a column of actions that the caller decides per record. */
export function recordsTable(caption: string, records: readonly CreditRecord[], actions: (r: CreditRecord) => Child = () => null): HTMLElement {
  if (records.length === 0) return h('p', { class: 'muted' }, '暂无记录 (none)');
  return table(
    caption,
    ['类型 Kind', '关于 Subject', '报送方 Reporter', '内容 Details', '状态 Status', '报送时间 Filed', '操作 Actions'],
    records.map((r) => [
      label(RECORD_KIND_LABEL, r.__typename),
      r.subject.name,
      r.creditor?.name ?? (r.__typename === 'FinancialStatement' ? r.subject.name : '—'),
      summary(r),
      statusBadge(r.status),
      dateTime(r.createdAt),
      h('div', { class: 'row-actions' }, actions(r)),
    ]),
  );
}
