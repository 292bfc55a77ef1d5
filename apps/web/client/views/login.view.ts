import { h } from '../dom.js';
import { form } from '../forms.js';
import type { GraphQLClient } from '../graphql-client.js';
import { ApiError } from '../graphql-errors.js';
import type { SessionUser } from '../session.js';
import { notice } from '../ui.js';

/**
 * Sign-in. A refused sign-in reads "邮箱或密码不正确", or the lock-out with its wait, never
 * which of the two was wrong (the API does not say either).
 */
export function loginView(client: GraphQLClient, onSignedIn: (user: SessionUser) => void, reason: string | null): HTMLElement {
  const signIn = form({
    id: 'login-form',
    submitLabel: '登录 Sign in',
    reset: false,
    fields: [
      { name: 'email', label: '邮箱', labelEn: 'Email', type: 'email', required: true, autocomplete: 'username' },
      { name: 'password', label: '密码', labelEn: 'Password', type: 'password', required: true, autocomplete: 'current-password' },
    ],
    onSubmit: (v) => client.login(v.email, v.password),
    describeError: (error) => {
      if (!(error instanceof ApiError) || error.kind !== 'UNAUTHENTICATED') return null;
      const wait = error.extensions.retryAfterSeconds;
      return typeof wait === 'number'
        ? notice('error', `登录失败：尝试次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试`, 'Too many failed attempts; try again later')
        : notice('error', '登录失败：邮箱或密码不正确', 'Sign-in refused: the email or password is not correct');
    },
    success: () => '登录成功',
    onDone: onSignedIn,
  });
  return h(
    'div',
    { class: 'login' },
    h(
      'section',
      { class: 'panel login-panel', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title' }, '登录信用联盟', h('span', { class: 'en' }, 'Sign in to Credit Alliance')),
      reason ? notice('info', reason) : null,
      signIn.el,
      h('p', { class: 'muted small' }, '成员企业、联盟协调员、银行与平台管理员使用同一入口。'),
    ),
  );
}
