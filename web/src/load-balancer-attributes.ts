/**
 * A load balancer's Attributes tab and "Edit load balancer attributes": idle timeout, client
 * keep-alive, HTTP/2, desync mitigation, header handling, deletion protection, access logs.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { CheckboxField, ErrorAlert, SelectField, SuccessAlert, TextField, fieldErrors, usePoll, useSubmit } from './ui.ts';


type Kind = 'seconds' | 'flag' | 'choice';

interface AttributeSpec {
  key: string;
  label: string;
  kind: Kind;
  hint?: string;
  choices?: Array<{ value: string; label: string }>;
}

/** The attributes of ALB's console, in its order and words. */
const SPECS: AttributeSpec[] = [
  { key: 'idle_timeout.timeout_seconds', label: 'Connection idle timeout', kind: 'seconds', hint: 'Seconds, 1–4000.' },
  { key: 'client_keep_alive.seconds', label: 'HTTP client keepalive duration', kind: 'seconds', hint: 'Seconds, 60–604800.' },
  { key: 'routing.http2.enabled', label: 'HTTP/2', kind: 'flag', hint: 'Offer HTTP/2 to clients of HTTPS listeners (ALPN).' },
  {
    key: 'routing.http.desync_mitigation_mode',
    label: 'Desync mitigation mode',
    kind: 'choice',
    choices: [
      { value: 'monitor', label: 'Monitor' },
      { value: 'defensive', label: 'Defensive' },
      { value: 'strictest', label: 'Strictest' },
    ],
  },
  { key: 'routing.http.drop_invalid_header_fields.enabled', label: 'Drop invalid header fields', kind: 'flag' },
  { key: 'routing.http.preserve_host_header.enabled', label: 'Preserve host header', kind: 'flag' },
  {
    key: 'routing.http.xff_header_processing.mode',
    label: 'X-Forwarded-For header',
    kind: 'choice',
    choices: [
      { value: 'append', label: 'Append' },
      { value: 'preserve', label: 'Preserve' },
      { value: 'remove', label: 'Remove' },
    ],
  },
  { key: 'routing.http.xff_client_port.enabled', label: 'Client port preservation', kind: 'flag', hint: 'Add the client port to X-Forwarded-For.' },
  { key: 'routing.http.x_amzn_tls_version_and_cipher_suite.enabled', label: 'TLS version and cipher headers', kind: 'flag' },
  { key: 'deletion_protection.enabled', label: 'Deletion protection', kind: 'flag', hint: 'DeleteLoadBalancer is refused while this is on.' },
  { key: 'access_logs.s3.enabled', label: 'Access logs', kind: 'flag', hint: 'One line per request, under access-logs/ in the data directory.' },
];

function shown(spec: AttributeSpec, value: string): string {
  if (spec.kind === 'flag') return value === 'true' ? 'On' : 'Off';
  if (spec.kind === 'choice') return spec.choices?.find((c) => c.value === value)?.label ?? value;
  return `${value} seconds`;
}

/** `{Key, Value}` members as a record. */
function attributeRecord(members: Xml | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list(members)) out[text(a, 'Key')] = text(a, 'Value');
  return out;
}

function EditAttributes({ arn, attrs, onDone }: { arn: string; attrs: Record<string, string>; onDone: (saved: Record<string, string> | undefined) => void }): VNode {
  const [values, setValues] = useState<Record<string, string>>(() => ({ ...attrs }));
  const { busy, error, submit } = useSubmit();
  const errors = fieldErrors(error, (param) => SPECS.find((s) => param === `Attributes.${s.key}` || param === s.key)?.key);
  const set = (key: string) => (v: string) => setValues({ ...values, [key]: v });
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const changes = SPECS.filter((s) => values[s.key] !== attrs[s.key]).map((s) => ({ Key: s.key, Value: (values[s.key] ?? '').trim() }));
    if (changes.length === 0) return onDone(undefined);
    let saved: Record<string, string> = {};
    const ok = await submit(async () => {
      saved = attributeRecord(field(await call(ELB, 'ModifyLoadBalancerAttributes', { LoadBalancerArn: arn, Attributes: changes }), 'Attributes'));
    });
    if (ok) onDone(saved);
  };
  return html`<form onSubmit=${save} aria-labelledby="edit-lb-attributes">
    <h2 id="edit-lb-attributes">Edit load balancer attributes</h2>
    <${ErrorAlert} error=${error} title="The attributes were not changed." />
    <section class="panel">
      ${SPECS.map((s) => {
        const v = values[s.key] ?? '';
        if (s.kind === 'flag') return html`<${CheckboxField} label=${s.label} hint=${s.hint} checked=${v === 'true'} onChange=${(on: boolean) => set(s.key)(String(on))} />`;
        if (s.kind === 'choice') return html`<${SelectField} label=${s.label} value=${v} options=${s.choices ?? []} onChange=${set(s.key)} error=${errors[s.key]} />`;
        return html`<${TextField} label=${s.label} hint=${s.hint} value=${v} numeric onInput=${set(s.key)} error=${errors[s.key]} />`;
      })}
    </section>
    <div class="actions">
      <button type="button" onClick=${() => onDone(undefined)}>Cancel</button>
      <button class="primary" type="submit" disabled=${busy}>Save changes</button>
    </div>
  </form>`;
}

export function LoadBalancerAttributesTab({ arn }: { arn: string }): VNode {
  const { data, error, replace } = usePoll(
    async () => attributeRecord(field(await call(ELB, 'DescribeLoadBalancerAttributes', { LoadBalancerArn: arn }), 'Attributes')),
    0,
    [arn],
  );
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (editing && data !== undefined) {
    return html`<${EditAttributes} arn=${arn} attrs=${data} onDone=${(saved: Record<string, string> | undefined) => {
      setEditing(false);
      setSaved(saved !== undefined);
      if (saved !== undefined) replace(saved);
    }} />`;
  }
  const others = data === undefined ? [] : Object.entries(data).filter(([k]) => !SPECS.some((s) => s.key === k) && !k.startsWith('access_logs.s3.'));
  return html`<div>
    <${ErrorAlert} error=${error} />
    ${saved ? html`<${SuccessAlert}>Attributes saved.<//>` : null}
    <div class="page-head">
      <h2>Attributes</h2>
      <button type="button" disabled=${data === undefined} onClick=${() => {
        setSaved(false);
        setEditing(true);
      }}>Edit</button>
    </div>
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : html`<dl class="summary" aria-label="Attributes">
          ${SPECS.map((s) => html`<div><dt>${s.label}</dt><dd>${shown(s, data[s.key] ?? '')}</dd></div>`)}
          ${others.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}
        </dl>`}
  </div>`;
}
