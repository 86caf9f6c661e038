/** Small shared pieces: routing by hash, polling, alerts, labelled fields, tabs. */
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
 * change); a slow answer never overwrites a newer one.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): { data: T | undefined; error: unknown; reload: () => void } {
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
  return { data, error, reload: () => setTick((t) => t + 1) };
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

/** Tabs as the ARIA tabs pattern: arrow keys move between them. */
export function Tabs(props: { label: string; tabs: string[]; selected: string; onSelect: (tab: string) => void }): VNode {
  const onKey = (e: KeyboardEvent): void => {
    const i = props.tabs.indexOf(props.selected);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : undefined;
    if (next === undefined) return;
    const tab = props.tabs[(next + props.tabs.length) % props.tabs.length]!;
    props.onSelect(tab);
    requestAnimationFrame(() => document.getElementById(`tab-${tab}`)?.focus());
  };
  return html`<div class="tabs" role="tablist" aria-label=${props.label} onKeyDown=${onKey}>
    ${props.tabs.map(
      (t) => html`<button type="button" role="tab" id=${`tab-${t}`} aria-selected=${t === props.selected ? 'true' : 'false'}
        tabindex=${t === props.selected ? 0 : -1} onClick=${() => props.onSelect(t)}>${t}</button>`,
    )}
  </div>`;
}

/** Health state as a badge with its word (colour is never the only signal). */
export function StateBadge({ state }: { state: string }): VNode {
  return html`<span class=${`badge badge-${state || 'unknown'}`}>${state || 'unknown'}</span>`;
}
