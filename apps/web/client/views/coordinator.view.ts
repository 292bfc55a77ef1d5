import { facts, h, replace, table } from '../dom.js';
import { form } from '../forms.js';
import { dateTime, fixed, money, percent } from '../format.js';
import * as ops from '../operations.js';
import type { CompanyRef } from '../operations.js';
import { bar, gradeBadge } from '../rating-card.js';
import { notice, panel } from '../ui.js';
import type { PageSection, ViewContext } from './view-context.js';

export const COORDINATOR_SECTIONS: readonly PageSection[] = [
  { id: 'standing', label: '联盟整体' },
  { id: 'members', label: '成员' },
  { id: 'admit', label: '登记成员' },
];

interface RatedMember extends CompanyRef {
  readonly rating: { readonly grade: string; readonly score: number; readonly pd: number; readonly computedAt: string } | null;
}

interface Standing {
  readonly grade: string;
  readonly weightedPd: number;
  readonly expectedLoss: string;
  readonly concentrationHhi: number;
  readonly guaranteeCoverage: number;
  readonly computedAt: string;
  readonly gradeDistribution: readonly { readonly grade: string; readonly count: number }[];
  readonly systemicRisk: readonly { readonly company: CompanyRef; readonly debtRank: number }[];
}

/** A COORDINATOR's page: the consortium's standing, its members with their ratings, admitting members. */
export function coordinatorView(ctx: ViewContext): HTMLElement {
  const consortium = ctx.me.consortium;
  if (!consortium) return notice('error', '此账号未关联联盟', 'This COORDINATOR account has no consortium');
  const { client } = ctx;
  let memberList: readonly RatedMember[] = [];

  const standing = panel(
    'standing',
    `${consortium.name} · 联盟整体评级`,
    async (body) => {
      const data = await client.request<{ consortium: { standing: Standing | null } | null }>(ops.CONSORTIUM_STANDING, { id: consortium.id });
      const s = data.consortium?.standing ?? null;
      if (!s) {
        replace(body, facts([['地区 Region', consortium.region], ['行业 Industry', consortium.industry]]), h('p', { class: 'muted' }, '联盟整体评级尚未计算 (not computed yet)'));
        return;
      }
      const most = Math.max(1, ...s.gradeDistribution.map((g) => g.count));
      replace(
        body,
        h('div', { class: 'rating-head' }, h('div', { class: 'rating-grade' }, h('span', { class: 'caption' }, '联盟等级'), gradeBadge(s.grade, 'large'))),
        facts([
          ['地区 Region', consortium.region],
          ['行业 Industry', consortium.industry],
          ['敞口加权 PD (weighted)', percent(s.weightedPd)],
          ['预期损失 Expected loss', `¥${money(s.expectedLoss)}`],
          ['集中度 HHI', fixed(s.concentrationHhi, 3)],
          ['担保基金覆盖率 Coverage', `${fixed(s.guaranteeCoverage, 2)} 倍`],
          ['计算时间 Computed at', dateTime(s.computedAt)],
        ]),
        h('h3', {}, '等级分布', h('span', { class: 'en' }, 'Grades')),
        h('ul', { class: 'factors' }, ...s.gradeDistribution.map((g) => h('li', {}, h('span', { class: 'factor-name' }, g.grade), bar((g.count / most) * 100), h('span', { class: 'factor-value' }, `${g.count} 家`)))),
        h('h3', {}, '系统性风险（DebtRank 最高）', h('span', { class: 'en' }, 'Systemic risk')),
        s.systemicRisk.length === 0
          ? h('p', { class: 'muted' }, '无 (none)')
          : table('系统性风险', ['企业 Company', 'DebtRank'], s.systemicRisk.slice(0, 10).map((r) => [h('a', { href: `#/company/${r.company.id}` }, r.company.name), fixed(r.debtRank, 3)])),
      );
    },
    { titleEn: 'Consortium standing' },
  );

  const createUser = form({
    id: 'member-user-form',
    title: '为成员企业创建账号',
    titleEn: 'Create a member user',
    submitLabel: '创建账号',
    fields: [
      { name: 'companyId', label: '成员企业', labelEn: 'Company', type: 'select', required: true, options: [] },
      { name: 'email', label: '邮箱', labelEn: 'Email', type: 'email', required: true, autocomplete: 'off' },
      { name: 'password', label: '初始密码', labelEn: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: '至少 12 个字符 (12+ characters)' },
    ],
    onSubmit: (v) => client.request<{ createUser: { email: string } }>(ops.CREATE_USER, { input: { email: v.email, password: v.password, role: 'MEMBER', companyId: v.companyId } }),
    success: (r) => `已创建账号 ${r.createUser.email}`,
  });
  const companySelect = createUser.el.querySelector('select[name="companyId"]') as HTMLSelectElement;

  const members = panel(
    'members',
    '成员与评级',
    async (body) => {
      const data = await client.request<{ consortium: { members: RatedMember[] } | null }>(ops.CONSORTIUM_MEMBERS_RATED, { id: consortium.id });
      memberList = data.consortium?.members ?? [];
      replace(companySelect, h('option', { value: '' }, '请选择'), ...memberList.map((m) => h('option', { value: m.id }, m.name)));
      replace(
        body,
        h('p', { class: 'hint' }, '点击企业名称查看待核实记录与异议。'),
        memberList.length === 0
          ? h('p', { class: 'muted' }, '尚无成员 (no members)')
          : table(
              '成员与评级',
              ['企业 Company', '代码 USCC', '等级 Grade', '信用分 Score', 'PD', '计算时间 Computed'],
              memberList.map((m) => [
                h('a', { href: `#/company/${m.id}` }, m.name),
                h('code', {}, m.creditCode),
                gradeBadge(m.rating?.grade ?? null),
                m.rating ? String(m.rating.score) : '—',
                percent(m.rating?.pd),
                dateTime(m.rating?.computedAt),
              ]),
            ),
      );
    },
    { titleEn: 'Members' },
  );

  const register = form({
    id: 'register-form',
    title: '登记成员企业',
    titleEn: 'Register a company',
    submitLabel: '登记',
    fields: [
      { name: 'name', label: '企业名称', labelEn: 'Name', required: true, maxlength: 200 },
      { name: 'creditCode', label: '统一社会信用代码', labelEn: 'USCC', required: true, maxlength: 18, hint: '18 位，末位为校验码 (GB 32100-2015)' },
    ],
    onSubmit: (v) => client.request<{ registerCompany: { name: string } }>(ops.REGISTER_COMPANY, { input: { consortiumId: consortium.id, name: v.name, creditCode: v.creditCode } }),
    success: (r) => `已登记 ${r.registerCompany.name}`,
    onDone: () => void members.reload(),
  });

  const admit = h(
    'section',
    { class: 'panel', id: 'admit', 'aria-labelledby': 'admit-title' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'admit-title' }, '登记成员', h('span', { class: 'en' }, 'Admit members'))),
    h('div', { class: 'two-col' }, register.el, createUser.el),
  );

  return h('div', { class: 'page' }, standing.el, members.el, admit);
}
