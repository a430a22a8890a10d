import { ProblemError, type Schemas } from '../api/client.js';
import { field, h } from '../dom.js';
import { BENEFIT_NAMES } from './overview.js';

export type Entitlement = Schemas['Entitlement'];
type Benefit = Entitlement['benefit'];

/** The benefit each program's entitlement is for (as shared/domain/program.ts says). */
export const PROGRAM_BENEFIT: Record<'action-pack' | 'competency', Benefit> = {
  'action-pack': 'vs-professional',
  competency: 'vs-enterprise',
};

/** A list typed one a line or separated by commas, without blanks. */
export const listOf = (value: FormDataEntryValue | null): string[] =>
  String(value ?? '')
    .split(/[\n,;]+/)
    .map((item) => item.trim())
    .filter(Boolean);

export const text = (value: FormDataEntryValue | null) => String(value ?? '').trim();

export function textarea(name: string, value: string, rows = 3, required = false): HTMLTextAreaElement {
  const area = h('textarea', { name, rows, spellcheck: 'false', ...(required ? { required: true } : {}) });
  area.value = value;
  return area;
}

/**
 * One benefit's entitlement as a fieldset: seats and the two dates. Each control is named after its place
 * in the request body (entitlements.0.seats), so a field error's path marks it.
 */
export function entitlementFields(benefit: Benefit, index: number, current?: Entitlement): HTMLElement {
  const name = BENEFIT_NAMES[benefit] ?? benefit;
  const at = (key: string) => `entitlements.${index}.${key}`;
  return h(
    'fieldset',
    { class: 'stack', 'data-benefit': benefit },
    h('legend', {}, `${name} entitlement`),
    field(
      `${name} seats`,
      h('input', { type: 'number', min: 0, max: 10000, name: at('seats'), value: current?.seats }),
    ),
    field(`${name} starts on`, h('input', { type: 'date', name: at('startsOn'), value: current?.startsOn })),
    field(
      `${name} expires on`,
      h('input', { type: 'date', name: at('expiresOn'), value: current?.expiresOn }),
    ),
  );
}

/** The entitlement a fieldset holds, or undefined when it is left empty; half-filled fields are sent as typed. */
export function entitlementOf(fieldset: HTMLElement, data: FormData): Entitlement | undefined {
  const benefit = fieldset.dataset['benefit'] as Benefit;
  const [seats, startsOn, expiresOn] = ['seats', 'startsOn', 'expiresOn'].map((key) =>
    text(data.get(fieldset.querySelector<HTMLInputElement>(`[name$=".${key}"]`)!.name)),
  );
  if (!seats && !startsOn && !expiresOn) return undefined;
  return { benefit, seats: seats ? Number(seats) : Number.NaN, startsOn: startsOn!, expiresOn: expiresOn! };
}

/** Which controls a refusal is about: its field errors' paths, or the field a code implies. */
function pathsOf(error: unknown, implied: Record<string, string>): string[] {
  if (!(error instanceof ProblemError)) return [];
  const paths = (error.problem.errors ?? []).map((e) => e.path);
  const byCode = implied[error.problem.code];
  return byCode ? [...paths, byCode] : paths;
}

/**
 * Marks the controls a refusal names with aria-invalid (and clears the marks of the last try), then
 * rethrows so the form shows the sentence. `verifiedDomains.1` marks the control named verifiedDomains.
 */
export function markInvalid(
  form: HTMLFormElement,
  error: unknown,
  implied: Record<string, string> = {},
): never {
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  for (const path of pathsOf(error, implied)) {
    const parts = path.split('.');
    for (let length = parts.length; length > 0; length--) {
      const control = form.querySelector(
        `[name="${CSS.escape(parts.slice(0, length).join('.'))}"]:not(:disabled)`,
      );
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        break;
      }
    }
  }
  throw error;
}
