/** Small shared pieces: routing by hash, polling, alerts, tabs, labelled fields, form buttons, API messages at their fields. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren, VNode } from 'preact';
import { ApiError } from './api.ts';
import { html } from './html.ts';

/** The route is the hash (`#/target-groups/web`): reloads and the back button keep the place. */
export function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/target-groups');
  useEffect(() => {
    const onHash = (): void => setRoute(location.hash.slice(1) || '/target-groups');
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

export function navigate(route: string): void {
  location.hash = route;
}

let pendingFlash: string | undefined;

/** Goes to `route` and shows `message` there once (e.g. "Target group web created."). */
export function navigateWithFlash(route: string, message: string): void {
  pendingFlash = message;
  navigate(route);
}

/** The message left for this page by navigateWithFlash, taken once. */
export function useFlash(): string | undefined {
  const [flash] = useState(() => {
    const f = pendingFlash;
    pendingFlash = undefined;
    return f;
  });
  return flash;
}

/**
 * Runs `load` now and every `everyMs` while the component is mounted (and again when `deps`
 * change); a slow answer never overwrites a newer one. `replace` shows what a change returned
 * at once (an answer already on its way is dropped).
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): { data: T | undefined; error: unknown; reload: () => void; replace: (v: T) => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      const mine = ++seq.current;
      try {
        const v = await load();
        if (!stopped && mine === seq.current) {
          setData(v);
          setError(undefined);
        }
      } catch (err) {
        if (!stopped && mine === seq.current) setError(err);
      }
      if (!stopped && everyMs > 0) timer = setTimeout(() => void run(), everyMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  const replace = (v: T): void => {
    seq.current++;
    setData(v);
    setError(undefined);
  };
  return { data, error, reload: () => setTick((t) => t + 1), replace };
}

/** An error as the API said it: its code, then its message. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }): VNode | null {
  if (error === undefined || error === null) return null;
  const code = error instanceof ApiError ? error.code : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return html`<div class="alert alert-error" role="alert">
    ${title ? html`<p class="alert-title">${title}</p>` : null}
    <p><strong class="error-code">${code}</strong>: <span class="error-message">${message}</span></p>
  </div>`;
}

export function SuccessAlert({ children }: { children: ComponentChildren }): VNode {
  return html`<div class="alert alert-success" role="status">${children}</div>`;
}

let fieldIds = 0;

/** A label and its control; an inline error is tied to the control with aria-describedby. */
export function Field(props: {
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (id: string, describedBy: string | undefined) => VNode;
}): VNode {
  const id = useRef(`f${++fieldIds}`).current;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return html`<div class=${`field${props.error ? ' field-invalid' : ''}`}>
    <label for=${id}>${props.label}</label>
    ${props.hint ? html`<p class="hint" id=${hintId}>${props.hint}</p>` : null}
    ${props.children(id, describedBy)}
    ${props.error ? html`<p class="field-error" id=${errorId}>${props.error}</p>` : null}
  </div>`;
}

/** A radio group with a legend (its accessible name); a choice's description is its aria-describedby. */
export function RadioGroup<T extends string>(props: {
  legend: string;
  name: string;
  value: T;
  options: Array<{ value: T; label: string; description?: string }>;
  onChange: (v: T) => void;
}): VNode {
  return html`<fieldset class="radio-group">
    <legend>${props.legend}</legend>
    ${props.options.map((o) => {
      const descId = o.description ? `${props.name}-${o.value}-desc` : undefined;
      return html`<div class="radio">
        <label><input type="radio" name=${props.name} value=${o.value} checked=${props.value === o.value}
          aria-describedby=${descId} onChange=${() => props.onChange(o.value)} /> ${o.label}</label>
        ${o.description ? html`<small id=${descId}>${o.description}</small>` : null}
      </div>`;
    })}
  </fieldset>`;
}

/** A tab's element id (`Health checks` → `tab-health-checks`): ids hold no spaces. */
function tabId(tab: string): string {
  return `tab-${tab.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** Tabs as the ARIA tabs pattern: arrow keys, Home and End move between them. */
export function Tabs(props: { label: string; tabs: string[]; selected: string; onSelect: (tab: string) => void }): VNode {
  const onKey = (e: KeyboardEvent): void => {
    const i = props.tabs.indexOf(props.selected);
    const n = props.tabs.length;
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : undefined;
    if (next === undefined) return;
    e.preventDefault();
    const tab = props.tabs[(next + n) % n]!;
    props.onSelect(tab);
    requestAnimationFrame(() => document.getElementById(tabId(tab))?.focus());
  };
  return html`<div class="tabs" role="tablist" aria-label=${props.label} onKeyDown=${onKey}>
    ${props.tabs.map(
      (t) => html`<button type="button" role="tab" id=${tabId(t)} aria-selected=${t === props.selected ? 'true' : 'false'}
        aria-controls=${`${tabId(t)}-panel`} tabindex=${t === props.selected ? 0 : -1} onClick=${() => props.onSelect(t)}>${t}</button>`,
    )}
  </div>`;
}

/** The panel of the selected tab, named by its tab. */
export function TabPanel({ tab, children }: { tab: string; children: ComponentChildren }): VNode {
  return html`<div role="tabpanel" id=${`${tabId(tab)}-panel`} aria-labelledby=${tabId(tab)}>${children}</div>`;
}

/** Health state as a badge with its word (colour is never the only signal). */
export function StateBadge({ state }: { state: string }): VNode {
  return html`<span class=${`badge badge-${state || 'unknown'}`}>${state || 'unknown'}</span>`;
}

// ---------------------------------------------------------------------------------------------
// Form fields: every control has a label (its accessible name); hints and inline errors are
// tied to it with aria-describedby.

const inputValue = (e: Event): string => (e.target as HTMLInputElement).value;

export function TextField(props: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  hint?: string;
  error?: string | undefined;
  numeric?: boolean;
  placeholder?: string;
  name?: string;
}): VNode {
  return html`<${Field} label=${props.label} hint=${props.hint} error=${props.error}>${(id: string, d: string | undefined) => html`<input
    id=${id} name=${props.name} value=${props.value} aria-describedby=${d} aria-invalid=${props.error ? 'true' : undefined}
    inputmode=${props.numeric ? 'numeric' : undefined} placeholder=${props.placeholder} onInput=${(e: Event) => props.onInput(inputValue(e))} />`}<//>`;
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: Array<{ value: T; label: string }>;
  onChange: (v: T) => void;
  hint?: string;
  error?: string | undefined;
}): VNode {
  return html`<${Field} label=${props.label} hint=${props.hint} error=${props.error}>${(id: string, d: string | undefined) => html`<select
    id=${id} value=${props.value} aria-describedby=${d} aria-invalid=${props.error ? 'true' : undefined}
    onChange=${(e: Event) => props.onChange((e.target as HTMLSelectElement).value as T)}>
    ${props.options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
  </select>`}<//>`;
}

export function CheckboxField(props: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }): VNode {
  const id = useRef(`c${++fieldIds}`).current;
  return html`<div class="checkbox">
    <input type="checkbox" id=${id} checked=${props.checked} aria-describedby=${props.hint ? `${id}-hint` : undefined}
      onChange=${(e: Event) => props.onChange((e.target as HTMLInputElement).checked)} />
    <label for=${id}>${props.label}</label>
    ${props.hint ? html`<small id=${`${id}-hint`} class="hint">${props.hint}</small>` : null}
  </div>`;
}

/** A PEM text: pasted into the text area, or read from a chosen file into it. */
export function PemField(props: { label: string; value: string; onInput: (v: string) => void; hint?: string; error?: string | undefined }): VNode {
  const fileId = useRef(`p${++fieldIds}`).current;
  return html`<div class="pem-field">
    <${Field} label=${props.label} hint=${props.hint} error=${props.error}>${(id: string, d: string | undefined) => html`<textarea
      id=${id} rows="6" spellcheck="false" aria-describedby=${d} aria-invalid=${props.error ? 'true' : undefined}
      value=${props.value} onInput=${(e: Event) => props.onInput((e.target as HTMLTextAreaElement).value)}></textarea>`}<//>
    <div class="file-choice">
      <label for=${fileId}>${`${props.label}: choose file`}</label>
      <input type="file" id=${fileId} accept=".pem,.crt,.cer,.key,.txt"
        onChange=${async (e: Event) => {
          const file = (e.target as HTMLInputElement).files?.[0];
          if (file !== undefined) props.onInput(await file.text());
        }} />
    </div>
  </div>`;
}

/**
 * A form's Cancel and submit buttons. With `onSubmit` the submit button is a plain button that
 * runs it: a group that stands inside another form's page cannot be a form of its own.
 */
export function FormActions(props: { submit: string; busy?: boolean; onCancel: () => void; onSubmit?: () => void }): VNode {
  return html`<div class="actions">
    <button type="button" onClick=${props.onCancel}>Cancel</button>
    <button class="primary" type=${props.onSubmit ? 'button' : 'submit'} disabled=${props.busy} onClick=${props.onSubmit}>${props.submit}</button>
  </div>`;
}

/** An "Edit …" form: its heading names it, a refused change is said above the fields, "Save changes" below. */
export function EditForm(props: {
  id: string;
  title: string;
  notChanged: string;
  error: unknown;
  busy: boolean;
  onSave: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}): VNode {
  const submit = (e: Event): void => {
    e.preventDefault();
    props.onSave();
  };
  return html`<form onSubmit=${submit} aria-labelledby=${props.id}>
    <h2 id=${props.id}>${props.title}</h2>
    <${ErrorAlert} error=${props.error} title=${props.notChanged} />
    ${props.children}
    <${FormActions} submit="Save changes" busy=${props.busy} onCancel=${props.onCancel} />
  </form>`;
}

/** Asks before something is deleted, in the page (no browser dialog). */
export function ConfirmBar(props: { question: string; confirm: string; busy?: boolean; onConfirm: () => void; onCancel: () => void }): VNode {
  return html`<div class="confirm" role="group" aria-label=${props.question}>
    <p>${props.question}</p>
    <button type="button" onClick=${props.onCancel}>Cancel</button>
    <button type="button" class="danger" disabled=${props.busy} onClick=${props.onConfirm}>${props.confirm}</button>
  </div>`;
}

// ---------------------------------------------------------------------------------------------
// API messages next to their fields

/**
 * The parameter each line of an API error is about, with the line: the API names it first
 * (`Port: port must be ...`, one line per problem after `N problems:`), says it is missing
 * (`... the parameter Name`), or quotes it (`at 'serverCertificateName'`, `for IpPermissions.1.FromPort:`).
 */
export function problemLines(err: unknown): Array<{ param: string | undefined; message: string }> {
  if (!(err instanceof ApiError)) return [];
  const lines = /^\d+ problems:\n/.test(err.message) ? err.message.split('\n').slice(1).map((l) => l.trim()) : [err.message];
  return lines.map((message) => {
    const param =
      /^([A-Za-z][\w.\-[\]]*): /.exec(message)?.[1] ??
      /\bparameter ([A-Za-z]+)/.exec(message)?.[1] ??
      /\bat '([\w.]+)'/.exec(message)?.[1] ??
      /\bfor ([A-Za-z][\w.]*):/.exec(message)?.[1];
    return { param, message };
  });
}

/** The error's messages by form field; `fieldOf` maps a parameter (and the error code) to a field. */
export function fieldErrors<K extends string>(err: unknown, fieldOf: (param: string | undefined, code: string, message: string) => K | undefined): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  if (!(err instanceof ApiError)) return out;
  for (const { param, message } of problemLines(err)) {
    const key = fieldOf(param, err.code, message);
    if (key !== undefined && out[key] === undefined) out[key] = message;
  }
  return out;
}

/** An API change with busy and error state: `submit(fn)` resolves true when `fn` succeeded, else keeps its error. */
export function useSubmit(): { busy: boolean; error: unknown; setError: (e: unknown) => void; submit: (fn: () => Promise<void>) => Promise<boolean> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (fn: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}
