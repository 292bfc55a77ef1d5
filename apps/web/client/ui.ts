import { type Child, h, replace } from './dom.js';
import { ApiError } from './graphql-errors.js';

export type NoticeKind = 'error' | 'info' | 'success';

/** A message box; errors are announced at once (role=alert), the rest politely. */
export function notice(kind: NoticeKind, title: string, ...detail: readonly Child[]): HTMLElement {
  return h(
    'div',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('strong', { class: 'notice-title' }, title),
    ...detail.map((d) => (d === null || d === undefined || d === false ? null : h('span', { class: 'notice-detail' }, d))),
  );
}

/** Any failure as a notice: an ApiError in words (Chinese, English, the server's message); anything else generically. */
export function errorNotice(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    return notice('error', error.title, `${error.titleEn}${error.detail ? ` — ${error.detail}` : ''}`);
  }
  return notice('error', '页面出错，请刷新后重试', 'Something went wrong in the page; reload and try again');
}

export interface Panel {
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  reload(): Promise<void>;
}

/**
 * A section that loads its own data: busy while loading, the error in words if it fails.
 * Each panel asks for its own operation, so one the server lacks does not blank the page.
 */
export function panel(id: string, title: string, load: (body: HTMLElement) => Promise<void>, options: { titleEn?: string; refresh?: boolean } = {}): Panel {
  const body = h('div', { class: 'panel-body', 'aria-live': 'polite' });
  const headingId = `${id}-title`;
  const refresh = options.refresh === false ? null : h('button', { type: 'button', class: 'link-button', 'aria-describedby': headingId }, '刷新');
  const el = h(
    'section',
    { class: 'panel', id, 'aria-labelledby': headingId },
    h('div', { class: 'panel-head' }, h('h2', { id: headingId }, title, options.titleEn ? h('span', { class: 'en' }, options.titleEn) : null), refresh),
    body,
  );
  const reload = async (): Promise<void> => {
    el.setAttribute('aria-busy', 'true');
    replace(body, h('p', { class: 'muted' }, '加载中…'));
    try {
      await load(body);
    } catch (error) {
      replace(body, errorNotice(error));
    } finally {
      el.removeAttribute('aria-busy');
    }
  };
  refresh?.addEventListener('click', () => void reload());
  void reload();
  return { el, body, reload };
}

/** A button that runs an action once at a time and shows its outcome in `status`. */
export function actionButton(text: string, action: () => Promise<string>, status: HTMLElement, attrs: Readonly<Record<string, string>> = {}): HTMLButtonElement {
  const button = h('button', { type: 'button', ...attrs }, text);
  button.addEventListener('click', () => {
    button.disabled = true;
    replace(status);
    action().then(
      (message) => replace(status, notice('success', message)),
      (error: unknown) => {
        button.disabled = false;
        replace(status, errorNotice(error));
      },
    );
  });
  return button;
}
