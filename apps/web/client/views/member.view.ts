import { facts, h, replace, table } from '../dom.js';
import { form, optional } from '../forms.js';
import { dateTime, endOfLocalDay, label, PURPOSE_LABEL, SCOPE_LABEL, STATUS_LABEL } from '../format.js';
import * as ops from '../operations.js';
import type { CompanyRef, CreditRecord, Rating } from '../operations.js';
import { gradeBadge, ratingCard } from '../rating-card.js';
import { recordsTable } from '../records-table.js';
import { actionButton, errorNotice, notice, panel } from '../ui.js';
import type { PageSection, ViewContext } from './view-context.js';

export const MEMBER_SECTIONS: readonly PageSection[] = [
  { id: 'overview', label: '概览' },
  { id: 'records', label: '信用记录' },
  { id: 'file', label: '报送' },
  { id: 'consents', label: '银行授权' },
  { id: 'partners', label: '伙伴查询' },
];

const DECIMAL_HINT = '金额，单位元，如 125000.50 (yuan)';

/** A MEMBER's page: its company and rating, its records, what it files, its consents and partner checks. */
export function memberView(ctx: ViewContext): HTMLElement {
  const company = ctx.me.company;
  if (!company) return notice('error', '此账号未关联企业', 'This MEMBER account has no company');
  const { client } = ctx;
  const members: { list: readonly CompanyRef[] } = { list: [] };

  const overview = panel(
    'overview',
    '我的企业与信用评级',
    async (body) => {
      const data = await client.request<{ company: (CompanyRef & { consortium: { name: string }; rating: Rating | null }) | null }>(ops.COMPANY_RATING, { id: company.id });
      if (!data.company) throw new Error('company missing');
      replace(
        body,
        facts([
          ['企业名称 Company', h('span', { 'data-testid': 'company-name' }, data.company.name)],
          ['统一社会信用代码 USCC', h('code', {}, data.company.creditCode)],
          ['所属联盟 Consortium', data.company.consortium.name],
        ]),
        ratingCard(data.company.rating),
      );
    },
    { titleEn: 'Company and rating' },
  );

  const recordActions = (r: CreditRecord, reload: () => Promise<void>): HTMLElement | null => {
    if (r.subject.id !== company.id || (r.status !== 'PENDING' && r.status !== 'VERIFIED')) return null;
    const status = h('div', { class: 'action-status' });
    const disputeForm = form({
      id: `dispute-${r.id}`,
      submitLabel: '提交异议',
      fields: [{ name: 'reason', label: '异议理由', labelEn: 'Reason', type: 'textarea', required: true, maxlength: 1000 }],
      onSubmit: (v) => client.request(ops.DISPUTE_RECORD, { id: r.id, reason: v.reason }),
      success: () => '已提出异议，协调员将在 20 日内处理 (disputed)',
      onDone: () => void reload(),
    });
    disputeForm.el.hidden = true;
    const toggle = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': disputeForm.el.id }, '提出异议');
    toggle.addEventListener('click', () => {
      disputeForm.el.hidden = !disputeForm.el.hidden;
      toggle.setAttribute('aria-expanded', String(!disputeForm.el.hidden));
    });
    return h(
      'div',
      {},
      r.status === 'PENDING'
        ? actionButton('确认无误', async () => {
            await client.request(ops.CONFIRM_RECORD, { id: r.id });
            void reload();
            return '已确认 (confirmed)';
          }, status)
        : null,
      toggle,
      disputeForm.el,
      status,
    );
  };

  const records = panel(
    'records',
    '信用记录',
    async (body) => {
      const filter = h(
        'select',
        { id: 'records-status', 'aria-label': '按状态筛选 (status)' },
        h('option', { value: '' }, '全部状态'),
        ...['PENDING', 'VERIFIED', 'DISPUTED', 'REJECTED'].map((s) => h('option', { value: s }, label(STATUS_LABEL, s))),
      );
      const list = h('div', {});
      const load = async (): Promise<void> => {
        const data = await client.request<{ records: CreditRecord[] }>(ops.RECORDS, { companyId: company.id, status: optional(filter.value) });
        replace(list, recordsTable('本企业的信用记录', data.records, (r) => recordActions(r, load)));
      };
      filter.addEventListener('change', () => void load().catch(() => records.reload()));
      await load();
      replace(body, h('p', { class: 'hint' }, '关于本企业的记录须经确认或核实后才计入评级；有误可提出异议。'), h('div', { class: 'toolbar' }, filter), list);
    },
    { titleEn: 'Records about us and filed by us' },
  );

  const tradeForm = form({
    id: 'trade-form',
    title: '报送交易付款记录',
    titleEn: 'Report a trade experience',
    submitLabel: '报送',
    fields: [
      { name: 'debtorCreditCode', label: '买方统一社会信用代码', labelEn: 'Buyer USCC', required: true, maxlength: 18, hint: '须为同一联盟成员 (a fellow member)', suggestions: [] },
      { name: 'invoiceNo', label: '发票号', labelEn: 'Invoice no.', required: true, maxlength: 64 },
      { name: 'amount', label: '金额', labelEn: 'Amount', required: true, inputmode: 'decimal', hint: DECIMAL_HINT },
      { name: 'invoiceDate', label: '开票日期', labelEn: 'Invoice date', type: 'date', required: true },
      { name: 'dueDate', label: '到期日', labelEn: 'Due date', type: 'date', required: true },
      { name: 'paidDate', label: '付款日期', labelEn: 'Paid date', type: 'date', hint: '尚未付款可留空 (empty while unpaid)' },
    ],
    onSubmit: (v) =>
      client.request<{ reportTradeExperience: { subject: { name: string } } }>(ops.REPORT_TRADE_EXPERIENCE, {
        input: { debtorCreditCode: v.debtorCreditCode, invoiceNo: v.invoiceNo, amount: v.amount, invoiceDate: v.invoiceDate, dueDate: v.dueDate, paidDate: optional(v.paidDate) },
      }),
    success: (r) => `已报送，待 ${r.reportTradeExperience.subject.name} 确认 (filed; awaiting the buyer's confirmation)`,
    onDone: () => void records.reload(),
  });

  const statementFields = [
    ['revenue', '营业收入', 'Revenue'],
    ['netIncome', '净利润', 'Net income'],
    ['ebit', '息税前利润', 'EBIT'],
    ['totalAssets', '资产总额', 'Total assets'],
    ['currentAssets', '流动资产', 'Current assets'],
    ['totalLiabilities', '负债总额', 'Total liabilities'],
    ['currentLiabilities', '流动负债', 'Current liabilities'],
    ['retainedEarnings', '留存收益', 'Retained earnings'],
    ['equity', '所有者权益', 'Equity'],
  ] as const;
  const statementForm = form({
    id: 'statement-form',
    title: '提交年度财务报表',
    titleEn: 'Submit a financial statement',
    submitLabel: '提交',
    fields: [
      { name: 'fiscalYear', label: '会计年度', labelEn: 'Fiscal year', type: 'number', required: true, inputmode: 'numeric', value: String(new Date().getFullYear() - 1) },
      ...statementFields.map(([name, zh, en]) => ({ name, label: zh, labelEn: en, required: true, inputmode: 'decimal' as const, hint: DECIMAL_HINT })),
    ],
    onSubmit: (v) => {
      const input: Record<string, string | number> = { fiscalYear: Number.parseInt(v.fiscalYear, 10) };
      for (const [name] of statementFields) input[name] = v[name];
      return client.request(ops.SUBMIT_FINANCIAL_STATEMENT, { input });
    },
    success: () => '已提交，待协调员核实 (submitted; awaiting verification)',
    onDone: () => void records.reload(),
    reset: false,
  });

  // fellow members as suggestions for the buyer's code
  void client.request<{ consortium: { members: CompanyRef[] } | null }>(ops.CONSORTIUM_MEMBERS, { id: company.consortium.id }).then(
    (data) => {
      members.list = (data.consortium?.members ?? []).filter((m) => m.id !== company.id);
      const list = tradeForm.el.querySelector('datalist');
      if (list) replace(list, ...members.list.map((m) => h('option', { value: m.creditCode }, m.name)));
    },
    () => undefined,
  );

  const file = h(
    'section',
    { class: 'panel', id: 'file', 'aria-labelledby': 'file-title' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'file-title' }, '报送', h('span', { class: 'en' }, 'File records'))),
    h('p', { class: 'hint' }, '只报送已发生的交易：不含价格、未来条款；其他成员不会得知由谁报送。'),
    h('div', { class: 'two-col' }, tradeForm.el, statementForm.el),
  );

  const consents = panel(
    'consents',
    '银行授权与查询记录',
    async (body) => {
      const consentList = h('div', {});
      const loadConsents = async (): Promise<void> => {
        const data = await client.request<{ consents: { id: string; bank: { name: string }; scope: string; grantedAt: string; expiresAt: string | null; revokedAt: string | null; active: boolean }[] }>(ops.CONSENTS, { companyId: company.id });
        replace(
          consentList,
          data.consents.length === 0
            ? h('p', { class: 'muted' }, '尚未授权任何银行 (no consents)')
            : table(
                '银行授权',
                ['银行 Bank', '范围 Scope', '授权时间 Granted', '到期 Expires', '状态 State', '操作'],
                data.consents.map((c) => {
                  const status = h('div', {});
                  return [
                    c.bank.name,
                    label(SCOPE_LABEL, c.scope),
                    dateTime(c.grantedAt),
                    c.expiresAt ? dateTime(c.expiresAt) : '撤销前有效',
                    c.active ? h('span', { class: 'status status-verified' }, '有效') : h('span', { class: 'status status-rejected' }, c.revokedAt ? '已撤销' : '已过期'),
                    c.active
                      ? h('div', {}, actionButton('撤销', async () => {
                          await client.request(ops.REVOKE_CONSENT, { id: c.id });
                          void loadConsents();
                          return '已撤销，立即生效 (revoked)';
                        }, status), status)
                      : null,
                  ];
                }),
              ),
        );
      };
      const grant = form({
        id: 'grant-form',
        title: '授权银行查询',
        titleEn: 'Grant a bank consent',
        submitLabel: '授权',
        fields: [
          { name: 'bankId', label: '银行编号', labelEn: 'Bank ID', required: true, hint: '由银行提供 (ask the bank for its ID)' },
          { name: 'scope', label: '范围', labelEn: 'Scope', type: 'select', options: [{ value: 'RATING', label: SCOPE_LABEL.RATING }, { value: 'REPORT', label: SCOPE_LABEL.REPORT }] },
          { name: 'expiresAt', label: '有效期至', labelEn: 'Expires', type: 'date', hint: '留空则在撤销前一直有效 (empty: until revoked)' },
        ],
        onSubmit: (v) => client.request(ops.GRANT_CONSENT, { input: { bankId: v.bankId, scope: v.scope, expiresAt: v.expiresAt ? endOfLocalDay(v.expiresAt) : null } }),
        success: () => '已授权 (granted)',
        onDone: () => void loadConsents(),
      });
      const inquiries = h('div', {});
      replace(body, consentList, grant.el, h('h3', {}, '银行查询记录', h('span', { class: 'en' }, 'Inquiries')), inquiries);
      await loadConsents();
      try {
        const data = await client.request<{ inquiries: { id: string; bank: { name: string }; purpose: string; at: string }[] }>(ops.INQUIRIES, { companyId: company.id });
        replace(
          inquiries,
          data.inquiries.length === 0
            ? h('p', { class: 'muted' }, '暂无银行查询 (none)')
            : table('银行查询记录', ['银行 Bank', '用途 Purpose', '时间 At'], data.inquiries.map((q) => [q.bank.name, label(PURPOSE_LABEL, q.purpose), dateTime(q.at)])),
        );
      } catch (error) {
        replace(inquiries, errorNotice(error));
      }
    },
    { titleEn: 'Consents and inquiries' },
  );

  const partners = panel(
    'partners',
    '伙伴查询',
    async (body) => {
      const result = h('div', { 'aria-live': 'polite' });
      const check = form({
        id: 'partner-form',
        title: '查询交易伙伴',
        titleEn: 'Check a trading partner',
        submitLabel: '查询',
        reset: false,
        fields: [{ name: 'creditCode', label: '伙伴统一社会信用代码', labelEn: 'Partner USCC', required: true, maxlength: 18, hint: '须为同一联盟成员；本企业近 12 个月须报送过交易记录' }],
        onSubmit: (v) =>
          client.request<{ partnerCheck: { creditCode: string; companyName: string; grade: string | null; paymentIndex: number | null; verifiedTradeLines: number; asOf: string | null } }>(ops.PARTNER_CHECK, {
            creditCode: v.creditCode,
          }),
        success: (r) => `查询完成：${r.partnerCheck.companyName}`,
        onDone: (r) => {
          const p = r.partnerCheck;
          replace(
            result,
            facts([
              ['企业 Company', p.companyName],
              ['代码 USCC', h('code', {}, p.creditCode)],
              ['等级 Grade', gradeBadge(p.grade)],
              ['付款指数 Payment index', p.paymentIndex === null ? '交易记录不足 3 条' : `${p.paymentIndex} / 100`],
              ['已核实交易 Verified trade lines', String(p.verifiedTradeLines)],
              ['截至 As of', dateTime(p.asOf)],
            ]),
          );
        },
      });
      const checks = h('div', {});
      replace(body, check.el, result, h('h3', {}, '谁查询了本企业', h('span', { class: 'en' }, 'Who checked us')), checks);
      const data = await client.request<{ partnerChecks: { id: string; checker: string; at: string }[] }>(ops.PARTNER_CHECKS, { companyId: company.id }).catch((error: unknown) => error);
      if (data instanceof Error) {
        replace(checks, errorNotice(data));
      } else {
        const list = (data as { partnerChecks: { id: string; checker: string; at: string }[] }).partnerChecks;
        replace(checks, list.length === 0 ? h('p', { class: 'muted' }, '暂无 (none)') : table('伙伴查询记录', ['查询方 Checker', '时间 At'], list.map((c) => [c.checker, dateTime(c.at)])));
      }
    },
    { titleEn: 'Partner checks' },
  );

  return h('div', { class: 'page' }, overview.el, records.el, file, consents.el, partners.el);
}
