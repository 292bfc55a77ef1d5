import { facts, h, replace } from '../dom.js';
import { form } from '../forms.js';
import { RESOLUTION_LABEL } from '../format.js';
import * as ops from '../operations.js';
import type { CompanyRef, CreditRecord, Rating } from '../operations.js';
import { ratingCard } from '../rating-card.js';
import { recordsTable } from '../records-table.js';
import { actionButton, panel } from '../ui.js';
import type { ViewContext } from './view-context.js';

/**
 * One company as its COORDINATOR (or an ADMIN) sees it: its rating, the records waiting
 * for verification, the disputes to settle (within 20 days) and all its records. Reached
 * by a link (`#/company/<id>`), so a link to another consortium's company answers
 * FORBIDDEN in words.
 */
export function companyView(ctx: ViewContext, companyId: string): HTMLElement {
  const { client } = ctx;
  const canAct = ctx.me.role === 'COORDINATOR';

  const overview = panel(
    'company',
    '企业详情',
    async (body) => {
      const data = await client.request<{ company: (CompanyRef & { consortium: { name: string }; rating: Rating | null }) | null }>(ops.COMPANY_RATING, { id: companyId });
      if (!data.company) {
        replace(body, h('p', { class: 'muted' }, '没有这家企业 (no such company)'));
        return;
      }
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
    { titleEn: 'Company' },
  );

  const pending = panel(
    'pending',
    '待核实记录',
    async (body) => {
      const data = await client.request<{ records: CreditRecord[] }>(ops.RECORDS, { companyId, status: 'PENDING' });
      replace(
        body,
        recordsTable('待核实记录', data.records, (r) => {
          if (!canAct) return null;
          const status = h('div', {});
          return h('div', {}, actionButton('核实', async () => {
            await client.request(ops.VERIFY_RECORD, { id: r.id });
            void pending.reload();
            void all.reload();
            return '已核实 (verified)';
          }, status), status);
        }),
      );
    },
    { titleEn: 'Records to verify' },
  );

  const disputes = panel(
    'disputes',
    '待处理异议',
    async (body) => {
      const data = await client.request<{ records: CreditRecord[] }>(ops.RECORDS, { companyId, status: 'DISPUTED' });
      replace(
        body,
        h('p', { class: 'hint' }, '异议须在 20 日内处理；处理前该记录不计入任何评级。'),
        recordsTable('待处理异议', data.records, (r) =>
          canAct
            ? form({
                id: `resolve-${r.id}`,
                submitLabel: '处理异议',
                fields: [
                  { name: 'resolution', label: '结论', labelEn: 'Resolution', type: 'select', options: Object.entries(RESOLUTION_LABEL).map(([value, text]) => ({ value, label: text })) },
                  { name: 'note', label: '说明', labelEn: 'Note', type: 'textarea', required: true, maxlength: 1000 },
                ],
                onSubmit: (v) => client.request(ops.RESOLVE_DISPUTE, { id: r.id, resolution: v.resolution, note: v.note }),
                success: () => '已处理 (resolved)',
                onDone: () => {
                  void disputes.reload();
                  void all.reload();
                },
              }).el
            : null,
        ),
      );
    },
    { titleEn: 'Disputes to resolve' },
  );

  const all = panel(
    'all-records',
    '全部记录',
    async (body) => {
      const data = await client.request<{ records: CreditRecord[] }>(ops.RECORDS, { companyId });
      replace(body, recordsTable('全部记录', data.records));
    },
    { titleEn: 'All records' },
  );

  return h('div', { class: 'page' }, h('p', {}, h('a', { href: '#/' }, '← 返回')), overview.el, pending.el, disputes.el, all.el);
}
