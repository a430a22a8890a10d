import { ProblemError } from './api/client.js';
import { h, show, type Child } from './dom.js';
import { sentenceFor } from './problems.js';

/** The sentence for any failure: a problem's from its code, anything else as it is. */
export function messageOf(error: unknown): string {
  if (error instanceof ProblemError) return sentenceFor(error.problem);
  return error instanceof Error ? error.message : String(error);
}

export function button(
  label: string,
  onClick: ((event: Event) => void) | null,
  options: {
    appearance?: 'primary' | 'secondary' | 'subtle';
    type?: 'button' | 'submit';
    name?: string;
  } = {},
): HTMLElement {
  return h(
    'fluent-button',
    {
      // Fluent sets the role through ElementInternals, which axe-core and some assistive tools do not read
      // yet; the attribute says the same to all of them.
      role: 'button',
      appearance: options.appearance ?? 'secondary',
      type: options.type ?? 'button',
      ...(options.name ? { 'aria-label': options.name } : {}),
      ...(onClick ? { onclick: onClick as EventListener } : {}),
    },
    label,
  );
}

/** A message bar: an error is announced at once (role=alert), a success politely (role=status). */
export function messageBar(
  intent: 'success' | 'warning' | 'error' | 'info',
  ...children: Child[]
): HTMLElement {
  return h(
    'fluent-message-bar',
    { intent, role: intent === 'error' ? 'alert' : 'status', class: `message message-${intent}` },
    ...children,
  );
}

export function problemBar(error: unknown): HTMLElement {
  const bar = messageBar('error', messageOf(error));
  if (error instanceof ProblemError && error.problem.code) bar.dataset['code'] = error.problem.code;
  return bar;
}

export function badge(
  text: string,
  color: 'brand' | 'success' | 'warning' | 'danger' | 'informative' | 'subtle',
) {
  return h('fluent-badge', { appearance: 'tint', color }, text);
}

/** A data table with a caption (its accessible name) and column headers. */
export function table<T>(
  caption: string,
  columns: { header: string; cell: (row: T) => Child }[],
  rows: T[],
  empty = 'Nothing yet.',
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col' }, c.header)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            columns.map((c) => h('td', { 'data-label': c.header }, c.cell(row))),
          ),
        ),
      ),
    ),
  );
}

/**
 * Wires a form to an action: while it runs the submit button is disabled; a refusal is shown in words in
 * the form's own alert area and nothing typed is cleared (the form is never re-rendered on failure).
 */
export function onSubmit(form: HTMLFormElement, action: (data: FormData) => Promise<void>): void {
  const status = h('div', { class: 'form-status' });
  form.append(status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const submit = form.querySelector<HTMLElement>('[type=submit]');
    submit?.setAttribute('disabled', '');
    form.setAttribute('aria-busy', 'true');
    show(status);
    action(new FormData(form))
      .catch((error: unknown) => show(status, problemBar(error)))
      .finally(() => {
        submit?.removeAttribute('disabled');
        form.removeAttribute('aria-busy');
      });
  });
}

/**
 * Asks before an action that cannot be undone, in a modal dialog (native <dialog>: focus moves into it and
 * Escape cancels). Resolves true when confirmed.
 */
export function confirmDialog(title: string, body: Child, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2, 8)}`;
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      h('div', { class: 'dialog-body' }, body),
      h(
        'div',
        { class: 'actions' },
        button(confirmLabel, () => close(true), { appearance: 'primary' }),
        button('Cancel', () => close(false)),
      ),
    );
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.addEventListener('cancel', () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function heading(text: string, ...after: Child[]): HTMLElement {
  return h('div', { class: 'page-heading' }, h('h1', { tabindex: -1 }, text), ...after);
}

export function loading(what: string): HTMLElement {
  return h('fluent-spinner', { size: 'small', 'aria-label': `Loading ${what}` });
}
