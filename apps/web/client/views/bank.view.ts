import { facts, h, replace } from '../dom.js';
import { form } from '../forms.js';
import { PURPOSE_LABEL } from '../format.js';
import * as ops from '../operations.js';
import type { Rating } from '../operations.js';
import { gradeBadge, ratingCard } from '../rating-card.js';
import { notice } from '../ui.js';
import type { ViewContext } from './view-context.js';

interface BankRatingView {
  readonly creditCode: string;
  readonly companyName: string;
  readonly consortiumName: string;
  readonly consortiumGrade: string | null;
  readonly rating: Rating | null;
}

/** A BANK's page: the consented, consortium-backed rating of one company, as the flat view. */
export function bankView(ctx: ViewContext): HTMLElement {
  const { client } = ctx;
  const result = h('div', { class: 'bank-result', 'aria-live': 'polite' });
  const lookup = form({
    id: 'bank-lookup',
    title: '查询企业信用评级',
    titleEn: 'Look up a rating',
    submitLabel: '查询',
    reset: false,
    fields: [
      { name: 'creditCode', label: '统一社会信用代码', labelEn: 'USCC', required: true, maxlength: 18 },
      { name: 'purpose', label: '查询用途', labelEn: 'Purpose', type: 'select', options: Object.entries(PURPOSE_LABEL).map(([value, text]) => ({ value, label: text })) },
    ],
    onSubmit: (v) => client.request<{ bankRating: BankRatingView }>(ops.BANK_RATING, { creditCode: v.creditCode, purpose: v.purpose }),
    success: (r) => `查询完成：${r.bankRating.companyName}（已记入该企业可见的查询记录）`,
    onDone: (r) => {
      const view = r.bankRating;
      replace(
        result,
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'bank-view-title' },
          h('div', { class: 'panel-head' }, h('h2', { id: 'bank-view-title' }, view.companyName, h('span', { class: 'en' }, 'Rating view'))),
          facts([
            ['统一社会信用代码 USCC', h('code', {}, view.creditCode)],
            ['所属联盟 Consortium', view.consortiumName],
            ['联盟整体等级 Consortium grade', gradeBadge(view.consortiumGrade)],
          ]),
          ratingCard(view.rating),
        ),
      );
    },
  });
  lookup.el.addEventListener('submit', () => replace(result));
  return h(
    'div',
    { class: 'page' },
    h(
      'section',
      { class: 'panel', id: 'lookup', 'aria-labelledby': 'lookup-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'lookup-title' }, ctx.me.bank?.name ?? '银行', h('span', { class: 'en' }, 'Bank'))),
      // a member grants consent to this id (its consent form asks for the bank's ID)
      ctx.me.bank ? facts([['本行编号 Bank ID', h('code', {}, ctx.me.bank.id)]]) : null,
      notice('info', '仅可查询已授权本行的企业；每次查询都会记录并告知该企业。企业授权时需填写上方的本行编号。', 'Only companies that consented to this bank; every read is logged and shown to the company. A company grants consent to the Bank ID above.'),
      lookup.el,
    ),
    result,
  );
}
