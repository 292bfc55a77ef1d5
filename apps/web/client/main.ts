import { h, replace } from './dom.js';
import { GraphQLClient } from './graphql-client.js';
import { ApiError } from './graphql-errors.js';
import { ROLE_LABEL } from './format.js';
import { ME, type Me } from './operations.js';
import { type KeyValueStore, Session } from './session.js';
import { errorNotice } from './ui.js';
import { adminView } from './views/admin.view.js';
import { bankView } from './views/bank.view.js';
import { companyView } from './views/company.view.js';
import { COORDINATOR_SECTIONS, coordinatorView } from './views/coordinator.view.js';
import { loginView } from './views/login.view.js';
import { MEMBER_SECTIONS, memberView } from './views/member.view.js';
import type { PageSection, ViewContext } from './views/view-context.js';

function sessionStore(): KeyValueStore | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

const session = new Session(sessionStore());
const client = new GraphQLClient(session);
const root = document.getElementById('app') as HTMLElement;
let me: Me | null = null;

/** Routes are `#/` (the role's page) and `#/company/<id>`; other hashes are in-page anchors. */
function route(): { readonly page: 'home' } | { readonly page: 'company'; readonly id: string } | null {
  const hash = location.hash;
  if (hash === '' || hash === '#' || hash === '#/') return { page: 'home' };
  const company = /^#\/company\/([\w-]{1,64})$/.exec(hash);
  if (company) return { page: 'company', id: company[1] };
  return hash.startsWith('#/') ? { page: 'home' } : null;
}

function shell(user: Me, content: HTMLElement, sections: readonly PageSection[]): HTMLElement {
  const signOut = h('button', { type: 'button', class: 'link-button sign-out' }, '退出 Sign out');
  signOut.addEventListener('click', () => {
    client.signOut();
    me = null;
    history.replaceState(null, '', '#/');
    showLogin('已退出登录 (signed out)');
  });
  const tenant = user.company?.name ?? user.consortium?.name ?? user.bank?.name ?? null;
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '#/' }, '信用联盟', h('span', { class: 'en' }, 'Credit Alliance')),
      h(
        'div',
        { class: 'who' },
        h('span', { class: 'role', 'data-testid': 'role' }, ROLE_LABEL[user.role] ?? user.role),
        tenant ? h('span', { class: 'tenant' }, tenant) : null,
        h('span', { class: 'email' }, user.email),
        signOut,
      ),
    ),
    sections.length > 0
      ? h('nav', { class: 'sections', 'aria-label': '页面导航' }, h('ul', {}, ...sections.map((s) => h('li', {}, h('a', { href: `#${s.id}` }, s.label)))))
      : null,
    h('main', { id: 'main', tabindex: -1 }, content),
  );
}

function render(): void {
  if (!me) return;
  const r = route();
  if (!r) return; // an in-page anchor: the browser scrolls
  const ctx: ViewContext = { client, me };
  let content: HTMLElement;
  let sections: readonly PageSection[] = [];
  if (r.page === 'company' && me.role !== 'MEMBER' && me.role !== 'BANK') {
    content = companyView(ctx, r.id);
  } else {
    switch (me.role) {
      case 'MEMBER':
        content = memberView(ctx);
        sections = MEMBER_SECTIONS;
        break;
      case 'COORDINATOR':
        content = coordinatorView(ctx);
        sections = COORDINATOR_SECTIONS;
        break;
      case 'BANK':
        content = bankView(ctx);
        break;
      case 'ADMIN':
        content = adminView(ctx);
        break;
    }
  }
  replace(root, shell(me, content, sections));
  document.title = `${ROLE_LABEL[me.role] ?? ''} · 信用联盟 Credit Alliance`;
}

async function loadMe(): Promise<void> {
  replace(root, h('p', { class: 'loading' }, '加载中… Loading'));
  try {
    me = (await client.request<{ me: Me }>(ME)).me;
    render();
    (document.getElementById('main') as HTMLElement | null)?.focus({ preventScroll: true });
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'UNAUTHENTICATED') {
      client.signOut();
      showLogin(error.title);
    } else {
      replace(root, h('div', { class: 'login' }, errorNotice(error), h('p', {}, h('a', { href: '#/' }, '重试 Retry'))));
    }
  }
}

function showLogin(reason: string | null): void {
  me = null;
  replace(root, loginView(client, () => void loadMe(), reason));
  document.title = '登录 · 信用联盟 Credit Alliance';
  (document.getElementById('login-form-email') as HTMLInputElement | null)?.focus();
}

client.onSessionEnded = (reason) => showLogin(`${reason.title}${reason.detail ? ` — ${reason.detail}` : ''}`);
window.addEventListener('hashchange', () => {
  if (me) render();
  else if (session.current) void loadMe();
});

if (session.current) void loadMe();
else showLogin(null);
