/**
 * A target group's Attributes tab and its "Edit attributes" page: stickiness (type, duration with
 * units, app cookie), the load balancing algorithm, deregistration delay and slow start.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { AttributesPanel, type AttributeChange, type Attributes, type AttributesFormProps } from './attributes-panel.ts';
import { html } from './html.ts';
import { CheckboxField, EditForm, RadioGroup, SelectField, TextField, fieldErrors } from './ui.ts';

const DURATION_UNITS = [
  { unit: 'seconds', seconds: 1 },
  { unit: 'minutes', seconds: 60 },
  { unit: 'hours', seconds: 3600 },
  { unit: 'days', seconds: 86400 },
] as const;
type DurationUnit = (typeof DURATION_UNITS)[number]['unit'];

/** A duration in the largest unit that divides it (86400 s → 1 days). */
function splitDuration(seconds: number): { amount: string; unit: DurationUnit } {
  for (let i = DURATION_UNITS.length - 1; i >= 0; i--) {
    const u = DURATION_UNITS[i]!;
    if (seconds % u.seconds === 0) return { amount: String(seconds / u.seconds), unit: u.unit };
  }
  return { amount: String(seconds), unit: 'seconds' };
}

function durationText(seconds: string): string {
  const d = splitDuration(Number(seconds));
  return `${d.amount} ${d.amount === '1' ? d.unit.slice(0, -1) : d.unit}`;
}

type Algorithm = 'round_robin' | 'least_outstanding_requests' | 'weighted_random';

const ALGORITHMS: Array<{ value: Algorithm; label: string }> = [
  { value: 'round_robin', label: 'Round robin' },
  { value: 'least_outstanding_requests', label: 'Least outstanding requests' },
  { value: 'weighted_random', label: 'Weighted random' },
];

interface AttributeForm {
  stickiness: boolean;
  stickinessType: 'lb_cookie' | 'app_cookie';
  duration: string;
  durationUnit: DurationUnit;
  cookieName: string;
  algorithm: Algorithm;
  anomalyMitigation: boolean;
  deregistrationDelay: string;
  slowStart: string;
}

type AttributeErrors = Partial<Record<keyof AttributeForm, string>>;

function attributeForm(attrs: Attributes): AttributeForm {
  const type = attrs['stickiness.type'] === 'app_cookie' ? 'app_cookie' : 'lb_cookie';
  const d = splitDuration(Number(attrs[`stickiness.${type}.duration_seconds`] ?? '86400'));
  return {
    stickiness: attrs['stickiness.enabled'] === 'true',
    stickinessType: type,
    duration: d.amount,
    durationUnit: d.unit,
    cookieName: attrs['stickiness.app_cookie.cookie_name'] ?? '',
    algorithm: (attrs['load_balancing.algorithm.type'] ?? 'round_robin') as Algorithm,
    anomalyMitigation: attrs['load_balancing.algorithm.anomaly_mitigation'] === 'on',
    deregistrationDelay: attrs['deregistration_delay.timeout_seconds'] ?? '300',
    slowStart: attrs['slow_start.duration_seconds'] ?? '0',
  };
}

/** The attributes the form changes; the duration goes to the API in seconds, where the range is checked. */
function attributeChanges(f: AttributeForm): AttributeChange[] {
  const unit = DURATION_UNITS.find((u) => u.unit === f.durationUnit)!.seconds;
  const amount = f.duration.trim();
  const seconds = /^\d+$/.test(amount) ? String(Number(amount) * unit) : amount;
  const changes: AttributeChange[] = [
    { Key: 'stickiness.enabled', Value: String(f.stickiness) },
    { Key: 'load_balancing.algorithm.type', Value: f.algorithm },
    { Key: 'load_balancing.algorithm.anomaly_mitigation', Value: f.algorithm === 'weighted_random' && f.anomalyMitigation ? 'on' : 'off' },
    { Key: 'deregistration_delay.timeout_seconds', Value: f.deregistrationDelay.trim() },
    { Key: 'slow_start.duration_seconds', Value: f.slowStart.trim() },
  ];
  if (f.stickiness) {
    changes.push({ Key: 'stickiness.type', Value: f.stickinessType });
    changes.push({ Key: `stickiness.${f.stickinessType}.duration_seconds`, Value: seconds });
    if (f.stickinessType === 'app_cookie') changes.push({ Key: 'stickiness.app_cookie.cookie_name', Value: f.cookieName.trim() });
  }
  return changes;
}

/** The field an attribute key belongs to (the API names the key it refused). */
const ATTRIBUTE_FIELDS: Record<string, keyof AttributeForm> = {
  'stickiness.enabled': 'stickiness',
  'stickiness.type': 'stickinessType',
  'stickiness.lb_cookie.duration_seconds': 'duration',
  'stickiness.app_cookie.duration_seconds': 'duration',
  'stickiness.app_cookie.cookie_name': 'cookieName',
  'load_balancing.algorithm.type': 'algorithm',
  'load_balancing.algorithm.anomaly_mitigation': 'anomalyMitigation',
  'deregistration_delay.timeout_seconds': 'deregistrationDelay',
  'slow_start.duration_seconds': 'slowStart',
};

function attributeErrors(err: unknown): AttributeErrors {
  return fieldErrors(err, (param) => {
    const key = param?.replace(/^[Aa]ttributes\./, '');
    return key !== undefined && Object.hasOwn(ATTRIBUTE_FIELDS, key) ? ATTRIBUTE_FIELDS[key] : undefined;
  });
}

function EditAttributes({ attrs, busy, error, save, cancel }: AttributesFormProps): VNode {
  const [f, setF] = useState<AttributeForm>(() => attributeForm(attrs));
  const errors = attributeErrors(error);
  const set = <K extends keyof AttributeForm>(key: K) => (v: AttributeForm[K]) => setF({ ...f, [key]: v });
  return html`<${EditForm} id="edit-attributes" title="Edit attributes" notChanged="The attributes were not changed."
    error=${error} busy=${busy} onSave=${() => save(attributeChanges(f))} onCancel=${cancel}>
    <section class="panel">
      <h3>Target selection configuration</h3>
      <${CheckboxField} label="Stickiness" checked=${f.stickiness} onChange=${set('stickiness')}
        hint="Send a client's requests to the same target for the stickiness duration." />
      ${f.stickiness
        ? html`<div class="nested">
            <${RadioGroup} legend="Stickiness type" name="stickinessType" value=${f.stickinessType} onChange=${set('stickinessType')}
              options=${[
                { value: 'lb_cookie', label: 'Load balancer generated cookie', description: 'The load balancer sets its own cookie, AWSALB.' },
                { value: 'app_cookie', label: 'Application-based cookie', description: "Follows a cookie your application sets." },
              ]} />
            ${f.stickinessType === 'app_cookie'
              ? html`<${TextField} label="App cookie name" value=${f.cookieName} onInput=${set('cookieName')} error=${errors.cookieName}
                  hint="The name of the cookie your application sets; not AWSALB, AWSALBAPP or AWSALBTG." />`
              : null}
            <div class="row">
              <${TextField} label="Stickiness duration" hint="Between 1 second and 7 days." value=${f.duration} numeric
                onInput=${set('duration')} error=${errors.duration} />
              <${SelectField} label="Stickiness duration unit" value=${f.durationUnit} onChange=${set('durationUnit')}
                options=${DURATION_UNITS.map((u) => ({ value: u.unit, label: u.unit }))} />
            </div>
          </div>`
        : null}
      <${SelectField} label="Load balancing algorithm" value=${f.algorithm} onChange=${set('algorithm')} options=${ALGORITHMS} error=${errors.algorithm} />
      ${f.algorithm === 'weighted_random'
        ? html`<${CheckboxField} label="Anomaly mitigation" checked=${f.anomalyMitigation} onChange=${set('anomalyMitigation')}
            hint="Send less traffic to targets that answer with more errors than the others." />`
        : null}
      ${errors.anomalyMitigation ? html`<p class="field-error">${errors.anomalyMitigation}</p>` : null}
    </section>
    <section class="panel">
      <h3>Target deregistration management</h3>
      <div class="row">
        <${TextField} label="Deregistration delay" hint="Seconds, 0–3600." value=${f.deregistrationDelay} numeric
          onInput=${set('deregistrationDelay')} error=${errors.deregistrationDelay} />
        <${TextField} label="Slow start duration" hint="Seconds: 0 (off) or 30–900." value=${f.slowStart} numeric
          onInput=${set('slowStart')} error=${errors.slowStart} />
      </div>
    </section>
  <//>`;
}

/** The attributes in the console's words; keys the console does not edit are shown as they are. */
function attributeRows(a: Attributes): Array<[string, string]> {
  const sticky = a['stickiness.enabled'] === 'true';
  const type = a['stickiness.type'] === 'app_cookie' ? 'app_cookie' : 'lb_cookie';
  const rows: Array<[string, string]> = [
    ['Stickiness', sticky ? 'On' : 'Off'],
    ...(sticky
      ? ([
          ['Stickiness type', type === 'app_cookie' ? `Application-based cookie (${a['stickiness.app_cookie.cookie_name'] ?? ''})` : 'Load balancer generated cookie'],
          ['Stickiness duration', durationText(a[`stickiness.${type}.duration_seconds`] ?? '86400')],
        ] as Array<[string, string]>)
      : []),
    ['Load balancing algorithm', ALGORITHMS.find((x) => x.value === a['load_balancing.algorithm.type'])?.label ?? a['load_balancing.algorithm.type'] ?? ''],
    ['Anomaly mitigation', a['load_balancing.algorithm.anomaly_mitigation'] === 'on' ? 'On' : 'Off'],
    ['Deregistration delay', `${a['deregistration_delay.timeout_seconds'] ?? ''} seconds`],
    ['Slow start duration', a['slow_start.duration_seconds'] === '0' ? 'Off' : `${a['slow_start.duration_seconds'] ?? ''} seconds`],
  ];
  const shown = new Set([...Object.keys(ATTRIBUTE_FIELDS)]);
  for (const [k, v] of Object.entries(a)) if (!shown.has(k)) rows.push([k, v]);
  return rows;
}

const API = { describe: 'DescribeTargetGroupAttributes', modify: 'ModifyTargetGroupAttributes', arnParameter: 'TargetGroupArn' };

export function AttributesTab({ arn }: { arn: string }): VNode {
  return html`<${AttributesPanel} arn=${arn} api=${API} rows=${attributeRows} form=${EditAttributes} />`;
}
