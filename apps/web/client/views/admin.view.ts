import { h, table } from '../dom.js';
import { form, optional } from '../forms.js';
import { ROLE_LABEL } from '../format.js';
import * as ops from '../operations.js';
import type { ViewContext } from './view-context.js';

interface Created {
  readonly kind: string;
  readonly name: string;
  readonly id: string;
}

/** An ADMIN's page: create consortia, banks, companies and users; what was made here is listed with its id. */
export function adminView(ctx: ViewContext): HTMLElement {
  const { client } = ctx;
  const created: Created[] = [];
  const listHost = h('div', { 'aria-live': 'polite' });
  const suggestions = { consortia: [] as Created[] };
  const remember = (item: Created): void => {
    created.unshift(item);
    listHost.replaceChildren(table('本次创建', ['类型 Kind', '名称 Name', '编号 ID'], created.map((c) => [c.kind, c.name, h('code', { class: 'id' }, c.id)])));
    if (item.kind === '联盟') {
      suggestions.consortia.push(item);
      for (const list of document.querySelectorAll('datalist[data-consortia]')) {
        list.replaceChildren(...suggestions.consortia.map((c) => h('option', { value: c.id }, c.name)));
      }
    }
  };

  const consortium = form({
    id: 'consortium-form',
    title: '创建联盟',
    titleEn: 'Create a consortium',
    submitLabel: '创建',
    fields: [
      { name: 'name', label: '名称', labelEn: 'Name', required: true },
      { name: 'region', label: '地区', labelEn: 'Region', required: true },
      { name: 'industry', label: '行业', labelEn: 'Industry', required: true },
    ],
    onSubmit: (v) => client.request<{ createConsortium: { id: string; name: string } }>(ops.CREATE_CONSORTIUM, { input: { name: v.name, region: v.region, industry: v.industry } }),
    success: (r) => `已创建联盟 ${r.createConsortium.name}`,
    onDone: (r) => remember({ kind: '联盟', name: r.createConsortium.name, id: r.createConsortium.id }),
  });

  const bank = form({
    id: 'bank-form',
    title: '创建银行',
    titleEn: 'Create a bank',
    submitLabel: '创建',
    fields: [{ name: 'name', label: '名称', labelEn: 'Name', required: true }],
    onSubmit: (v) => client.request<{ createBank: { id: string; name: string } }>(ops.CREATE_BANK, { input: { name: v.name } }),
    success: (r) => `已创建银行 ${r.createBank.name}`,
    onDone: (r) => remember({ kind: '银行', name: r.createBank.name, id: r.createBank.id }),
  });

  const company = form({
    id: 'company-form',
    title: '登记企业',
    titleEn: 'Register a company',
    submitLabel: '登记',
    fields: [
      { name: 'consortiumId', label: '联盟编号', labelEn: 'Consortium ID', required: true, suggestions: [] },
      { name: 'name', label: '企业名称', labelEn: 'Name', required: true },
      { name: 'creditCode', label: '统一社会信用代码', labelEn: 'USCC', required: true, maxlength: 18, hint: '18 位，末位为校验码 (GB 32100-2015)' },
    ],
    onSubmit: (v) => client.request<{ registerCompany: { id: string; name: string } }>(ops.REGISTER_COMPANY, { input: { consortiumId: v.consortiumId, name: v.name, creditCode: v.creditCode } }),
    success: (r) => `已登记 ${r.registerCompany.name}`,
    onDone: (r) => remember({ kind: '企业', name: r.registerCompany.name, id: r.registerCompany.id }),
  });

  const user = form({
    id: 'user-form',
    title: '创建用户',
    titleEn: 'Create a user',
    submitLabel: '创建',
    fields: [
      { name: 'email', label: '邮箱', labelEn: 'Email', type: 'email', required: true },
      { name: 'password', label: '初始密码', labelEn: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: '至少 12 个字符 (12+ characters)' },
      { name: 'role', label: '角色', labelEn: 'Role', type: 'select', options: ['MEMBER', 'COORDINATOR', 'BANK', 'ADMIN'].map((value) => ({ value, label: `${ROLE_LABEL[value]} ${value}` })) },
      { name: 'companyId', label: '企业编号（成员）', labelEn: 'Company ID, MEMBER' },
      { name: 'consortiumId', label: '联盟编号（协调员）', labelEn: 'Consortium ID, COORDINATOR', suggestions: [] },
      { name: 'bankId', label: '银行编号（银行）', labelEn: 'Bank ID, BANK' },
    ],
    onSubmit: (v) =>
      client.request<{ createUser: { email: string } }>(ops.CREATE_USER, {
        input: { email: v.email, password: v.password, role: v.role, companyId: optional(v.companyId), consortiumId: optional(v.consortiumId), bankId: optional(v.bankId) },
      }),
    success: (r) => `已创建用户 ${r.createUser.email}`,
  });
  // only the tenant field of the chosen role is shown
  const roleSelect = user.el.querySelector('select[name="role"]') as HTMLSelectElement;
  const tenantFor: Readonly<Record<string, string>> = { MEMBER: 'companyId', COORDINATOR: 'consortiumId', BANK: 'bankId' };
  const showTenant = (): void => {
    for (const name of ['companyId', 'consortiumId', 'bankId']) {
      const input = user.el.querySelector(`[name="${name}"]`) as HTMLInputElement;
      const row = input.closest('.field') as HTMLElement;
      row.hidden = tenantFor[roleSelect.value] !== name;
      if (row.hidden) input.value = '';
    }
  };
  roleSelect.addEventListener('change', showTenant);
  showTenant();

  for (const list of [company.el, user.el].map((f) => f.querySelector('datalist'))) list?.setAttribute('data-consortia', '');

  return h(
    'div',
    { class: 'page' },
    h(
      'section',
      { class: 'panel', id: 'platform', 'aria-labelledby': 'platform-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'platform-title' }, '平台管理', h('span', { class: 'en' }, 'Platform'))),
      h('div', { class: 'two-col' }, consortium.el, bank.el, company.el, user.el),
    ),
    h(
      'section',
      { class: 'panel', id: 'created', 'aria-labelledby': 'created-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'created-title' }, '本次创建', h('span', { class: 'en' }, 'Created in this session'))),
      listHost,
      h('p', { class: 'muted' }, '编号用于登记企业、创建用户和银行授权。'),
    ),
  );
}
