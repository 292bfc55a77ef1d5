import { h, nextId, replace } from './dom.js';
import { ApiError, fieldName } from './graphql-errors.js';
import { errorNotice, notice } from './ui.js';

export interface FieldOption {
  readonly value: string;
  readonly label: string;
}

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly labelEn?: string;
  readonly type?: 'text' | 'email' | 'password' | 'date' | 'number' | 'select' | 'textarea';
  readonly required?: boolean;
  readonly options?: readonly FieldOption[];
  readonly hint?: string;
  readonly value?: string;
  readonly inputmode?: 'decimal' | 'numeric' | 'text';
  readonly autocomplete?: string;
  readonly placeholder?: string;
  /** suggestions (a datalist): the reader may still type anything */
  readonly suggestions?: readonly FieldOption[];
  readonly maxlength?: number;
}

export type FormValues = Readonly<Record<string, string>>;

export interface FormOptions<T> {
  readonly id: string;
  readonly title?: string;
  readonly titleEn?: string;
  readonly submitLabel: string;
  readonly fields: readonly FieldSpec[];
  onSubmit(values: FormValues): Promise<T>;
  /** what to say on success */
  success?(result: T): string;
  onDone?(result: T): void;
  /** empty the fields after success (default true) */
  readonly reset?: boolean;
  /** a form's own wording for an error, or null for the usual one */
  describeError?(error: unknown): HTMLElement | null;
}

export interface FormHandle {
  readonly el: HTMLFormElement;
  /** shows an error: BAD_USER_INPUT next to its field, anything else above the button */
  showError(error: unknown): void;
  clearErrors(): void;
}

/** `''` as null, for optional inputs. */
export function optional(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

interface Row {
  readonly spec: FieldSpec;
  readonly control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  readonly error: HTMLElement;
  readonly hintId: string | null;
}

function control(spec: FieldSpec, id: string, describedBy: string): Row['control'] {
  const common = { id, name: spec.name, 'aria-describedby': describedBy, required: spec.required ?? false };
  if (spec.type === 'select') {
    const select = h('select', common, ...(spec.options ?? []).map((o) => h('option', { value: o.value }, o.label)));
    if (spec.value !== undefined) select.value = spec.value;
    return select;
  }
  if (spec.type === 'textarea') {
    return h('textarea', { ...common, rows: 3, maxlength: spec.maxlength, placeholder: spec.placeholder }, spec.value ?? '');
  }
  return h('input', {
    ...common,
    type: spec.type ?? 'text',
    value: spec.value,
    inputmode: spec.inputmode,
    autocomplete: spec.autocomplete ?? 'off',
    placeholder: spec.placeholder,
    maxlength: spec.maxlength,
    list: spec.suggestions ? `${id}-list` : undefined,
    spellcheck: spec.type === 'email' || spec.type === 'password' ? false : undefined,
  });
}

/**
 * A form whose errors land where they belong: a missing required value or the API's
 * BAD_USER_INPUT (its `extensions.field`, e.g. `input.creditCode`) next to the field, with
 * aria-invalid and the message in the field's description; any other error above the
 * submit button. The first field at fault gets the focus.
 */
export function form<T>(options: FormOptions<T>): FormHandle {
  const rows: Row[] = options.fields.map((spec) => {
    const id = `${options.id}-${spec.name}`;
    const errorId = `${id}-error`;
    const hintId = spec.hint ? `${id}-hint` : null;
    const input = control(spec, id, [hintId, errorId].filter(Boolean).join(' '));
    return { spec, control: input, error: h('p', { class: 'field-error', id: errorId, hidden: true }), hintId };
  });
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, options.submitLabel);
  const titleId = nextId(`${options.id}-title`);
  const el = h(
    'form',
    { id: options.id, novalidate: true, 'aria-labelledby': options.title ? titleId : undefined },
    options.title ? h('h3', { id: titleId }, options.title, options.titleEn ? h('span', { class: 'en' }, options.titleEn) : null) : null,
    ...rows.map((row) =>
      h(
        'div',
        { class: 'field' },
        h(
          'label',
          { for: row.control.id },
          row.spec.label,
          row.spec.labelEn ? h('span', { class: 'en' }, row.spec.labelEn) : null,
          row.spec.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null,
        ),
        row.control,
        row.spec.suggestions
          ? h('datalist', { id: `${row.control.id}-list` }, ...row.spec.suggestions.map((o) => h('option', { value: o.value }, o.label)))
          : null,
        row.hintId ? h('p', { class: 'hint', id: row.hintId }, row.spec.hint) : null,
        row.error,
      ),
    ),
    status,
    h('div', { class: 'form-actions' }, submit),
  );

  const setFieldError = (row: Row, message: string): void => {
    row.error.textContent = message;
    row.error.hidden = false;
    row.control.setAttribute('aria-invalid', 'true');
  };

  const clearErrors = (): void => {
    for (const row of rows) {
      row.error.hidden = true;
      row.error.textContent = '';
      row.control.removeAttribute('aria-invalid');
    }
    replace(status);
  };

  const showError = (error: unknown): void => {
    if (error instanceof ApiError && error.kind === 'BAD_USER_INPUT' && error.field) {
      const row = rows.find((r) => r.spec.name === fieldName(error.field as string));
      if (row) {
        setFieldError(row, `输入有误：${error.detail}`);
        replace(status, notice('error', error.title, '请修改标出的字段 (see the marked field)'));
        row.control.focus();
        return;
      }
    }
    replace(status, options.describeError?.(error) ?? errorNotice(error));
  };

  el.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors();
    const values: Record<string, string> = {};
    let firstMissing: Row | null = null;
    for (const row of rows) {
      const raw = row.control.value;
      values[row.spec.name] = row.spec.type === 'password' ? raw : raw.trim();
      if (row.spec.required && values[row.spec.name] === '') {
        setFieldError(row, '必填 (required)');
        firstMissing ??= row;
      }
    }
    if (firstMissing) {
      firstMissing.control.focus();
      return;
    }
    submit.disabled = true;
    el.setAttribute('aria-busy', 'true');
    options.onSubmit(values).then(
      (result) => {
        submit.disabled = false;
        el.removeAttribute('aria-busy');
        if (options.reset !== false) {
          for (const row of rows) if (row.spec.type !== 'select') row.control.value = row.spec.value ?? '';
        }
        replace(status, notice('success', options.success ? options.success(result) : '已提交 (done)'));
        options.onDone?.(result);
      },
      (error: unknown) => {
        submit.disabled = false;
        el.removeAttribute('aria-busy');
        showError(error);
      },
    );
  });

  return { el, showError, clearErrors };
}
