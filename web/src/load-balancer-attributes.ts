/**
 * A load balancer's Attributes tab and "Edit load balancer attributes": idle timeout, client
 * keep-alive, HTTP/2, desync mitigation, header handling, deletion protection, access logs.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { AttributesPanel, type AttributeChange, type Attributes, type AttributesFormProps } from './attributes-panel.ts';
import { html } from './html.ts';
import { CheckboxField, EditForm, SelectField, TextField, fieldErrors } from './ui.ts';

type Kind = 'seconds' | 'flag' | 'choice';

interface AttributeSpec {
  key: string;
  label: string;
  kind: Kind;
  hint?: string;
  choices?: Array<{ value: string; label: string }>;
}

/** A choice named as its value, capitalized (`monitor` → Monitor), as ALB's console does. */
function choice(value: string): { value: string; label: string } {
  return { value, label: value.charAt(0).toUpperCase() + value.slice(1) };
}

/** The attributes of ALB's console, in its order and words. */
const SPECS: AttributeSpec[] = [
  { key: 'idle_timeout.timeout_seconds', label: 'Connection idle timeout', kind: 'seconds', hint: 'Seconds, 1–4000.' },
  { key: 'client_keep_alive.seconds', label: 'HTTP client keepalive duration', kind: 'seconds', hint: 'Seconds, 60–604800.' },
  { key: 'routing.http2.enabled', label: 'HTTP/2', kind: 'flag', hint: 'Offer HTTP/2 to clients of HTTPS listeners (ALPN).' },
  { key: 'routing.http.desync_mitigation_mode', label: 'Desync mitigation mode', kind: 'choice', choices: ['monitor', 'defensive', 'strictest'].map(choice) },
  { key: 'routing.http.drop_invalid_header_fields.enabled', label: 'Drop invalid header fields', kind: 'flag' },
  { key: 'routing.http.preserve_host_header.enabled', label: 'Preserve host header', kind: 'flag' },
  { key: 'routing.http.xff_header_processing.mode', label: 'X-Forwarded-For header', kind: 'choice', choices: ['append', 'preserve', 'remove'].map(choice) },
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

/** The attributes as the tab shows them: the console's ones in its words, then any other but the access log's bucket settings. */
function rows(attrs: Attributes): Array<[string, string]> {
  const others = Object.entries(attrs).filter(([k]) => !SPECS.some((s) => s.key === k) && !k.startsWith('access_logs.s3.'));
  return [...SPECS.map((s): [string, string] => [s.label, shown(s, attrs[s.key] ?? '')]), ...others];
}

function EditAttributes({ attrs, busy, error, save, cancel }: AttributesFormProps): VNode {
  const [values, setValues] = useState<Attributes>(() => ({ ...attrs }));
  const errors = fieldErrors(error, (param) => SPECS.find((s) => param === `Attributes.${s.key}` || param === s.key)?.key);
  const set = (key: string) => (v: string) => setValues({ ...values, [key]: v });
  const changes = (): AttributeChange[] =>
    SPECS.filter((s) => values[s.key] !== attrs[s.key]).map((s) => ({ Key: s.key, Value: (values[s.key] ?? '').trim() }));
  return html`<${EditForm} id="edit-lb-attributes" title="Edit load balancer attributes" notChanged="The attributes were not changed."
    error=${error} busy=${busy} onSave=${() => save(changes())} onCancel=${cancel}>
    <section class="panel">
      ${SPECS.map((s) => {
        const v = values[s.key] ?? '';
        if (s.kind === 'flag') return html`<${CheckboxField} label=${s.label} hint=${s.hint} checked=${v === 'true'} onChange=${(on: boolean) => set(s.key)(String(on))} />`;
        if (s.kind === 'choice') return html`<${SelectField} label=${s.label} value=${v} options=${s.choices ?? []} onChange=${set(s.key)} error=${errors[s.key]} />`;
        return html`<${TextField} label=${s.label} hint=${s.hint} value=${v} numeric onInput=${set(s.key)} error=${errors[s.key]} />`;
      })}
    </section>
  <//>`;
}

const API = { describe: 'DescribeLoadBalancerAttributes', modify: 'ModifyLoadBalancerAttributes', arnParameter: 'LoadBalancerArn' };

export function LoadBalancerAttributesTab({ arn }: { arn: string }): VNode {
  return html`<${AttributesPanel} arn=${arn} api=${API} rows=${rows} form=${EditAttributes} />`;
}
