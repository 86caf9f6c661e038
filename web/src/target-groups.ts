/**
 * Target groups: the list, the tutorial's "Create target group" wizard (Basic configuration,
 * Health checks, Next, Register targets, Create target group) and a group's details with its
 * targets' live health.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { ErrorAlert, Field, navigate, navigateWithFlash, useFlash, RadioGroup, StateBadge, SuccessAlert, Tabs, usePoll } from './ui.ts';

const ELB = 'elasticloadbalancing';
/** How often the targets' health is asked for. */
const HEALTH_REFRESH_MS = 2000;

async function describeTargetGroups(): Promise<Xml[]> {
  return list(field(await call(ELB, 'DescribeTargetGroups'), 'TargetGroups'));
}

export async function targetGroupByName(name: string): Promise<Xml> {
  const found = list(field(await call(ELB, 'DescribeTargetGroups', { Names: [name] }), 'TargetGroups'))[0];
  if (found === undefined) throw new ApiError('TargetGroupNotFound', `One or more target groups not found: ${name}`, 400);
  return found;
}

function targetGroupLink(name: string): VNode {
  return html`<a href=${`#/target-groups/${encodeURIComponent(name)}`}>${name}</a>`;
}

export function TargetGroupList(): VNode {
  const { data, error } = usePoll(describeTargetGroups, 5000);
  const flash = useFlash();
  return html`<section>
    <div class="page-head">
      <h1>Target groups</h1>
      <button class="primary" type="button" onClick=${() => navigate('/target-groups/create')}>Create target group</button>
    </div>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    <${ErrorAlert} error=${error} />
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : data.length === 0
        ? html`<p class="empty">No target groups yet. Choose <strong>Create target group</strong> to add one.</p>`
        : html`<table aria-label="Target groups">
            <thead><tr><th scope="col">Name</th><th scope="col">Port</th><th scope="col">Protocol</th><th scope="col">Target type</th><th scope="col">Load balancer</th></tr></thead>
            <tbody>${data.map(
              (tg) => html`<tr>
                <td>${targetGroupLink(text(tg, 'TargetGroupName'))}</td>
                <td>${text(tg, 'Port')}</td>
                <td>${text(tg, 'Protocol')}</td>
                <td>${text(tg, 'TargetType') === 'ip' ? 'IP' : 'Instance'}</td>
                <td>${list(field(tg, 'LoadBalancerArns')).length === 0 ? 'None associated' : list(field(tg, 'LoadBalancerArns')).map((a) => String(a).split('/')[2]).join(', ')}</td>
              </tr>`,
            )}</tbody>
          </table>`}
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// Create target group

type TargetType = 'instance' | 'ip';

interface GroupForm {
  targetType: TargetType;
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  port: string;
  protocolVersion: 'HTTP1' | 'HTTP2' | 'GRPC';
  healthCheckProtocol: 'HTTP' | 'HTTPS';
  healthCheckPath: string;
  healthCheckPort: string;
  healthyThreshold: string;
  unhealthyThreshold: string;
  timeout: string;
  interval: string;
  successCodes: string;
}

/** ALB's defaults, with the tutorial's HTTP 8080. */
const DEFAULT_FORM: GroupForm = {
  targetType: 'instance',
  name: '',
  protocol: 'HTTP',
  port: '8080',
  protocolVersion: 'HTTP1',
  healthCheckProtocol: 'HTTP',
  healthCheckPath: '/',
  healthCheckPort: 'traffic-port',
  healthyThreshold: '5',
  unhealthyThreshold: '2',
  timeout: '5',
  interval: '30',
  successCodes: '200',
};

interface PendingTarget {
  id: string;
  port: number;
}

/** The CreateTargetGroup parameter behind each field of step 1. */
const PARAMETER_FIELDS: Record<string, keyof GroupForm> = {
  Name: 'name',
  Port: 'port',
  Protocol: 'protocol',
  ProtocolVersion: 'protocolVersion',
  TargetType: 'targetType',
  HealthCheckProtocol: 'healthCheckProtocol',
  HealthCheckPath: 'healthCheckPath',
  HealthCheckPort: 'healthCheckPort',
  HealthyThresholdCount: 'healthyThreshold',
  UnhealthyThresholdCount: 'unhealthyThreshold',
  HealthCheckTimeoutSeconds: 'timeout',
  HealthCheckIntervalSeconds: 'interval',
  Matcher: 'successCodes',
};

/**
 * Which field of step 1 an API message is about, so it is shown next to it: the API names the
 * parameter first (`Port: port must be ...`) or says it is missing (`... the parameter Name`).
 */
function fieldOf(err: unknown): keyof GroupForm | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const param = /^([A-Za-z]+)[.:]/.exec(err.message)?.[1] ?? /\bparameter ([A-Za-z]+)/.exec(err.message)?.[1];
  if (param !== undefined && Object.hasOwn(PARAMETER_FIELDS, param)) return PARAMETER_FIELDS[param];
  return err.code === 'DuplicateTargetGroupName' ? 'name' : undefined;
}

function textInput(form: GroupForm, set: (f: GroupForm) => void, key: keyof GroupForm, extra: Record<string, unknown> = {}) {
  return (id: string, describedBy: string | undefined): VNode =>
    html`<input id=${id} name=${key} value=${form[key]} aria-describedby=${describedBy} aria-invalid=${extra.invalid ? 'true' : undefined}
      inputmode=${extra.numeric ? 'numeric' : undefined}
      onInput=${(e: Event) => set({ ...form, [key]: (e.target as HTMLInputElement).value })} />`;
}

function GroupDetailsStep(props: {
  form: GroupForm;
  setForm: (f: GroupForm) => void;
  errors: Partial<Record<keyof GroupForm, string>>;
  onNext: () => void;
}): VNode {
  const { form, setForm, errors } = props;
  const input = (key: keyof GroupForm, numeric = false) => textInput(form, setForm, key, { invalid: errors[key] !== undefined, numeric });
  return html`<form onSubmit=${(e: Event) => {
    e.preventDefault();
    props.onNext();
  }}>
    <section class="panel" aria-labelledby="basic-configuration">
      <h2 id="basic-configuration">Basic configuration</h2>
      <${RadioGroup} legend="Choose a target type" name="targetType" value=${form.targetType}
        onChange=${(v: TargetType) => setForm({ ...form, targetType: v })}
        options=${[
          { value: 'instance', label: 'Instance', description: 'Targets by host name (an instance), resolved by DNS.' },
          { value: 'ip', label: 'IP addresses', description: 'Targets by IPv4 or IPv6 address.' },
        ]} />
      <${Field} label="Target group name" hint="Up to 32 alphanumeric characters or hyphens; no hyphen at either end." error=${errors.name}>${input('name')}<//>
      <div class="row">
        <${Field} label="Protocol">${(id: string) => html`<select id=${id} value=${form.protocol}
          onChange=${(e: Event) => setForm({ ...form, protocol: (e.target as HTMLSelectElement).value as GroupForm['protocol'] })}>
          <option value="HTTP">HTTP</option><option value="HTTPS">HTTPS</option></select>`}<//>
        <${Field} label="Port" error=${errors.port}>${input('port', true)}<//>
      </div>
      <p class="static-field"><span class="label">VPC</span> <code>vpc-local</code> (this Albatross cluster)</p>
      <${RadioGroup} legend="Protocol version" name="protocolVersion" value=${form.protocolVersion}
        onChange=${(v: GroupForm['protocolVersion']) => setForm({ ...form, protocolVersion: v })}
        options=${[
          { value: 'HTTP1', label: 'HTTP1', description: 'Send requests to targets using HTTP/1.1.' },
          { value: 'HTTP2', label: 'HTTP2', description: 'Send requests to targets using HTTP/2.' },
          { value: 'GRPC', label: 'gRPC', description: 'Send requests to targets using gRPC.' },
        ]} />
      ${errors.protocolVersion ? html`<p class="field-error">${errors.protocolVersion}</p>` : null}
    </section>
    <section class="panel" aria-labelledby="health-checks">
      <h2 id="health-checks">Health checks</h2>
      <${Field} label="Health check protocol">${(id: string) => html`<select id=${id} value=${form.healthCheckProtocol}
        onChange=${(e: Event) => setForm({ ...form, healthCheckProtocol: (e.target as HTMLSelectElement).value as GroupForm['protocol'] })}>
        <option value="HTTP">HTTP</option><option value="HTTPS">HTTPS</option></select>`}<//>
      <${Field} label="Health check path" error=${errors.healthCheckPath}>${input('healthCheckPath')}<//>
      <details open=${['healthCheckPort', 'healthyThreshold', 'unhealthyThreshold', 'timeout', 'interval', 'successCodes'].some((k) => errors[k as keyof GroupForm] !== undefined)}>
        <summary>Advanced health check settings</summary>
        <${Field} label="Health check port" hint="traffic-port, or a port from 1 to 65535." error=${errors.healthCheckPort}>${input('healthCheckPort')}<//>
        <div class="row">
          <${Field} label="Healthy threshold" hint="2–10 consecutive successes." error=${errors.healthyThreshold}>${input('healthyThreshold', true)}<//>
          <${Field} label="Unhealthy threshold" hint="2–10 consecutive failures." error=${errors.unhealthyThreshold}>${input('unhealthyThreshold', true)}<//>
        </div>
        <div class="row">
          <${Field} label="Timeout" hint="Seconds, 2–120." error=${errors.timeout}>${input('timeout', true)}<//>
          <${Field} label="Interval" hint="Seconds, 5–300." error=${errors.interval}>${input('interval', true)}<//>
        </div>
        <${Field} label="Success codes" hint="e.g. 200, 200,202 or 200-299." error=${errors.successCodes}>${input('successCodes')}<//>
      </details>
    </section>
    <div class="actions">
      <button type="button" onClick=${() => navigate('/target-groups')}>Cancel</button>
      <button class="primary" type="submit">Next</button>
    </div>
  </form>`;
}

function RegisterTargetsStep(props: {
  form: GroupForm;
  pending: PendingTarget[];
  setPending: (p: PendingTarget[]) => void;
  busy: boolean;
  error: unknown;
  onPrevious: () => void;
  onCreate: () => void;
}): VNode {
  const { form, pending, setPending } = props;
  const [address, setAddress] = useState('');
  const [ports, setPorts] = useState(form.port);
  const [inputError, setInputError] = useState<string | undefined>(undefined);
  const what = form.targetType === 'ip' ? 'IP address' : 'Instance';
  const include = (): void => {
    const id = address.trim();
    if (id === '') {
      setInputError(`Enter an ${form.targetType === 'ip' ? 'IP address' : 'instance host name'}.`);
      return;
    }
    const list = ports.split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (list.length === 0) {
      setInputError('Enter one or more ports, separated by commas.');
      return;
    }
    setInputError(undefined);
    const next = [...pending];
    // The API checks each port's range when the group is created; here only "is it a number".
    for (const p of list) {
      const port = Number(p);
      if (!next.some((t) => t.id === id && t.port === port)) next.push({ id, port: Number.isFinite(port) ? port : NaN });
    }
    setPending(next);
    setAddress('');
  };
  return html`<div>
    <section class="panel" aria-labelledby="register-targets">
      <h2 id="register-targets">Register targets</h2>
      <p>Add targets to <strong>${form.name}</strong>: ${form.targetType === 'ip' ? 'IP addresses' : 'instances (host names)'} and the
        ports they serve on, then choose <strong>Include as pending below</strong>.</p>
      <div class="row">
        <${Field} label=${form.targetType === 'ip' ? 'IP address' : 'Instance'} error=${inputError}>${(id: string, d: string | undefined) => html`<input id=${id}
          value=${address} aria-describedby=${d} placeholder=${form.targetType === 'ip' ? '127.0.0.1' : 'localhost'}
          onInput=${(e: Event) => setAddress((e.target as HTMLInputElement).value)}
          onKeyDown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              include();
            }
          }} />`}<//>
        <${Field} label="Ports for the selected instances" hint="One or more, separated by commas.">${(id: string, d: string | undefined) => html`<input id=${id}
          value=${ports} aria-describedby=${d} inputmode="numeric" onInput=${(e: Event) => setPorts((e.target as HTMLInputElement).value)} />`}<//>
      </div>
      <button type="button" onClick=${include}>Include as pending below</button>
    </section>
    <section class="panel" aria-labelledby="review-targets">
      <h2 id="review-targets">Review targets <span class="count">(${pending.length})</span></h2>
      ${pending.length === 0
        ? html`<p class="empty">No targets pending. The group can be created without targets and they can be registered later.</p>`
        : html`<table aria-label="Pending targets">
            <thead><tr><th scope="col">${what}</th><th scope="col">Port</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
            <tbody>${pending.map(
              (t, i) => html`<tr>
                <td>${t.id}</td><td>${Number.isNaN(t.port) ? '(not a number)' : t.port}</td>
                <td><button type="button" class="link" aria-label=${`Remove ${t.id}:${t.port}`}
                  onClick=${() => setPending(pending.filter((_, j) => j !== i))}>Remove</button></td>
              </tr>`,
            )}</tbody>
          </table>`}
    </section>
    <${ErrorAlert} error=${props.error} title="The target group was not created." />
    <div class="actions">
      <button type="button" onClick=${props.onPrevious}>Previous</button>
      <button class="primary" type="button" disabled=${props.busy} onClick=${props.onCreate}>Create target group</button>
    </div>
  </div>`;
}

function createParams(form: GroupForm): Record<string, string> {
  return {
    Name: form.name.trim(),
    Protocol: form.protocol,
    Port: form.port.trim(),
    ProtocolVersion: form.protocolVersion,
    TargetType: form.targetType,
    VpcId: 'vpc-local',
    HealthCheckProtocol: form.healthCheckProtocol,
    HealthCheckPath: form.healthCheckPath.trim(),
    HealthCheckPort: form.healthCheckPort.trim(),
    HealthyThresholdCount: form.healthyThreshold.trim(),
    UnhealthyThresholdCount: form.unhealthyThreshold.trim(),
    HealthCheckTimeoutSeconds: form.timeout.trim(),
    HealthCheckIntervalSeconds: form.interval.trim(),
    'Matcher.HttpCode': form.successCodes.trim(),
  };
}

export function CreateTargetGroup(): VNode {
  const [step, setStep] = useState<1 | 2>(1);
  const [form, setForm] = useState<GroupForm>(DEFAULT_FORM);
  const [pending, setPending] = useState<PendingTarget[]>([]);
  const [errors, setErrors] = useState<Partial<Record<keyof GroupForm, string>>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  /**
   * The group, then its targets. If registering fails the group is deleted again, so the user
   * finds either the whole group or none; the page says which.
   */
  const create = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    let arn: string | undefined;
    try {
      const created = await call(ELB, 'CreateTargetGroup', createParams(form));
      arn = text(list(field(created, 'TargetGroups'))[0], 'TargetGroupArn');
    } catch (err) {
      setBusy(false);
      const at = fieldOf(err);
      if (at !== undefined) {
        // A step-1 field: back there, with the API's message next to the field.
        setErrors({ [at]: (err as ApiError).message });
        setError(err);
        setStep(1);
      } else {
        setError(err);
      }
      return;
    }
    if (pending.length > 0) {
      try {
        await call(ELB, 'RegisterTargets', { TargetGroupArn: arn, Targets: pending.map((t) => ({ Id: t.id, Port: String(t.port) })) });
      } catch (err) {
        let undone = true;
        try {
          await call(ELB, 'DeleteTargetGroup', { TargetGroupArn: arn });
        } catch {
          undone = false;
        }
        setBusy(false);
        const code = err instanceof ApiError ? err.code : 'Error';
        const message = err instanceof Error ? err.message : String(err);
        setError(
          new ApiError(
            code,
            undone
              ? `Registering the targets failed, so the target group was not kept: ${message}`
              : `Registering the targets failed: ${message}. The target group ${form.name} exists without targets; delete it or register them from its page.`,
            err instanceof ApiError ? err.status : 400,
          ),
        );
        return;
      }
    }
    setBusy(false);
    const count = pending.length === 0 ? '' : ` with ${pending.length} target${pending.length === 1 ? '' : 's'}`;
    navigateWithFlash(`/target-groups/${encodeURIComponent(form.name.trim())}`, `Target group ${form.name.trim()} created${count}.`);
  };

  return html`<section>
    <nav class="steps" aria-label="Steps">
      <ol>
        <li aria-current=${step === 1 ? 'step' : undefined}>Specify group details</li>
        <li aria-current=${step === 2 ? 'step' : undefined}>Register targets</li>
      </ol>
    </nav>
    <h1>${step === 1 ? 'Specify group details' : 'Register targets'}</h1>
    ${step === 1
      ? html`<div>
          ${error !== undefined ? html`<${ErrorAlert} error=${error} title="The target group was not created." />` : null}
          <${GroupDetailsStep} form=${form} setForm=${setForm} errors=${errors} onNext=${() => {
            setErrors({});
            setError(undefined);
            setStep(2);
          }} />
        </div>`
      : html`<${RegisterTargetsStep} form=${form} pending=${pending} setPending=${setPending} busy=${busy} error=${error}
          onPrevious=${() => setStep(1)} onCreate=${() => void create()} />`}
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// Details

function reasonText(health: Xml | undefined): string {
  const reason = text(health, 'Reason');
  const description = text(health, 'Description');
  if (reason === '' && description === '') return '';
  return [reason, description].filter(Boolean).join(': ');
}

function TargetsTab({ tg }: { tg: Xml }): VNode {
  const arn = text(tg, 'TargetGroupArn');
  const isIp = text(tg, 'TargetType') === 'ip';
  const { data, error, reload } = usePoll(
    async () => list(field(await call(ELB, 'DescribeTargetHealth', { TargetGroupArn: arn }), 'TargetHealthDescriptions')),
    HEALTH_REFRESH_MS,
    [arn],
  );
  const [selected, setSelected] = useState<string[]>([]);
  const [address, setAddress] = useState('');
  const [port, setPort] = useState(text(tg, 'Port'));
  const [actionError, setActionError] = useState<unknown>(undefined);
  const keyOf = (d: Xml): string => `${text(field(d, 'Target'), 'Id')}:${text(field(d, 'Target'), 'Port')}`;
  const register = async (e: Event): Promise<void> => {
    e.preventDefault();
    setActionError(undefined);
    try {
      await call(ELB, 'RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: address.trim(), Port: port.trim() }] });
      setAddress('');
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const deregister = async (): Promise<void> => {
    setActionError(undefined);
    try {
      const targets = selected.map((k) => {
        const i = k.lastIndexOf(':');
        return { Id: k.slice(0, i), Port: k.slice(i + 1) };
      });
      await call(ELB, 'DeregisterTargets', { TargetGroupArn: arn, Targets: targets });
      setSelected([]);
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  return html`<div role="tabpanel" aria-labelledby="tab-Targets">
    <${ErrorAlert} error=${error} />
    <${ErrorAlert} error=${actionError} />
    <div class="page-head">
      <h2>Registered targets <span class="count">(${data?.length ?? 0})</span></h2>
      <button type="button" disabled=${selected.length === 0} onClick=${() => void deregister()}>Deregister</button>
    </div>
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : data.length === 0
        ? html`<p class="empty">No targets registered.</p>`
        : html`<table aria-label="Registered targets">
            <thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">${isIp ? 'IP address' : 'Instance'}</th><th scope="col">Port</th>
              <th scope="col">Health status</th><th scope="col">Health status details</th></tr></thead>
            <tbody>${data.map((d) => {
              const key = keyOf(d);
              const health = field(d, 'TargetHealth');
              return html`<tr data-target=${key}>
                <td><input type="checkbox" aria-label=${`Select ${key}`} checked=${selected.includes(key)}
                  onChange=${(e: Event) => setSelected((e.target as HTMLInputElement).checked ? [...selected, key] : selected.filter((k) => k !== key))} /></td>
                <td>${text(field(d, 'Target'), 'Id')}</td>
                <td>${text(field(d, 'Target'), 'Port')}</td>
                <td class="health-state"><${StateBadge} state=${text(health, 'State')} /></td>
                <td class="health-details">${reasonText(health)}</td>
              </tr>`;
            })}</tbody>
          </table>`}
    <form class="inline-form" onSubmit=${register} aria-labelledby="register-heading">
      <h3 id="register-heading">Register targets</h3>
      <div class="row">
        <${Field} label=${isIp ? 'IP address' : 'Instance'}>${(id: string) => html`<input id=${id} value=${address}
          onInput=${(e: Event) => setAddress((e.target as HTMLInputElement).value)} />`}<//>
        <${Field} label="Port">${(id: string) => html`<input id=${id} value=${port} inputmode="numeric"
          onInput=${(e: Event) => setPort((e.target as HTMLInputElement).value)} />`}<//>
      </div>
      <button type="submit">Register</button>
    </form>
  </div>`;
}

function HealthChecksTab({ tg }: { tg: Xml }): VNode {
  const rows: Array<[string, string]> = [
    ['Protocol', text(tg, 'HealthCheckProtocol')],
    ['Path', text(tg, 'HealthCheckPath')],
    ['Port', text(tg, 'HealthCheckPort')],
    ['Healthy threshold', text(tg, 'HealthyThresholdCount')],
    ['Unhealthy threshold', text(tg, 'UnhealthyThresholdCount')],
    ['Timeout', `${text(tg, 'HealthCheckTimeoutSeconds')} seconds`],
    ['Interval', `${text(tg, 'HealthCheckIntervalSeconds')} seconds`],
    ['Success codes', text(field(tg, 'Matcher'), 'HttpCode')],
  ];
  return html`<div role="tabpanel" aria-labelledby="tab-Health checks">
    <dl class="summary">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
  </div>`;
}

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

interface AttributeForm {
  stickiness: boolean;
  stickinessType: 'lb_cookie' | 'app_cookie';
  duration: string;
  durationUnit: DurationUnit;
  cookieName: string;
  algorithm: string;
  deregistrationDelay: string;
  slowStart: string;
}

function attributeForm(attrs: Record<string, string>): AttributeForm {
  const type = attrs['stickiness.type'] === 'app_cookie' ? 'app_cookie' : 'lb_cookie';
  const d = splitDuration(Number(attrs[`stickiness.${type}.duration_seconds`] ?? '86400'));
  return {
    stickiness: attrs['stickiness.enabled'] === 'true',
    stickinessType: type,
    duration: d.amount,
    durationUnit: d.unit,
    cookieName: attrs['stickiness.app_cookie.cookie_name'] ?? '',
    algorithm: attrs['load_balancing.algorithm.type'] ?? 'round_robin',
    deregistrationDelay: attrs['deregistration_delay.timeout_seconds'] ?? '300',
    slowStart: attrs['slow_start.duration_seconds'] ?? '0',
  };
}

/** The attributes the form changes; the duration goes to the API in seconds, where the range is checked. */
function attributeChanges(f: AttributeForm): Array<{ Key: string; Value: string }> {
  const unit = DURATION_UNITS.find((u) => u.unit === f.durationUnit)!.seconds;
  const amount = f.duration.trim();
  const seconds = /^\d+$/.test(amount) ? String(Number(amount) * unit) : amount;
  const changes: Array<{ Key: string; Value: string }> = [
    { Key: 'stickiness.enabled', Value: String(f.stickiness) },
    { Key: 'load_balancing.algorithm.type', Value: f.algorithm },
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

function EditAttributes({ arn, attrs, onDone }: { arn: string; attrs: Record<string, string>; onDone: (saved: boolean) => void }): VNode {
  const [f, setF] = useState<AttributeForm>(() => attributeForm(attrs));
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await call(ELB, 'ModifyTargetGroupAttributes', { TargetGroupArn: arn, Attributes: attributeChanges(f) });
      onDone(true);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const value = (e: Event): string => (e.target as HTMLInputElement).value;
  /** The API names the attribute it refused; a duration's message goes under the duration too. */
  const durationError = error instanceof ApiError && /stickiness\.\w+\.duration_seconds/.test(error.message) ? error.message : undefined;
  return html`<form onSubmit=${save} aria-labelledby="edit-attributes">
    <h2 id="edit-attributes">Edit attributes</h2>
    <${ErrorAlert} error=${error} title="The attributes were not changed." />
    <section class="panel">
      <h3>Target selection configuration</h3>
      <label class="checkbox"><input type="checkbox" checked=${f.stickiness}
        onChange=${(e: Event) => setF({ ...f, stickiness: (e.target as HTMLInputElement).checked })} /> Stickiness</label>
      ${f.stickiness
        ? html`<div>
            <${RadioGroup} legend="Stickiness type" name="stickinessType" value=${f.stickinessType}
              onChange=${(v: AttributeForm['stickinessType']) => setF({ ...f, stickinessType: v })}
              options=${[
                { value: 'lb_cookie', label: 'Load balancer generated cookie' },
                { value: 'app_cookie', label: 'Application-based cookie' },
              ]} />
            ${f.stickinessType === 'app_cookie'
              ? html`<${Field} label="App cookie name">${(id: string) => html`<input id=${id} value=${f.cookieName}
                  onInput=${(e: Event) => setF({ ...f, cookieName: value(e) })} />`}<//>`
              : null}
            <div class="row">
              <${Field} label="Stickiness duration" hint="Between 1 second and 7 days." error=${durationError}>${(id: string, d: string | undefined) => html`<input id=${id}
                value=${f.duration} inputmode="numeric" aria-describedby=${d} onInput=${(e: Event) => setF({ ...f, duration: value(e) })} />`}<//>
              <${Field} label="Stickiness duration unit">${(id: string) => html`<select id=${id} value=${f.durationUnit}
                onChange=${(e: Event) => setF({ ...f, durationUnit: value(e) as DurationUnit })}>
                ${DURATION_UNITS.map((u) => html`<option value=${u.unit}>${u.unit}</option>`)}</select>`}<//>
            </div>
          </div>`
        : null}
      <${Field} label="Load balancing algorithm">${(id: string) => html`<select id=${id} value=${f.algorithm}
        onChange=${(e: Event) => setF({ ...f, algorithm: value(e) })}>
        <option value="round_robin">Round robin</option>
        <option value="least_outstanding_requests">Least outstanding requests</option>
        <option value="weighted_random">Weighted random</option></select>`}<//>
    </section>
    <section class="panel">
      <h3>Target deregistration management</h3>
      <div class="row">
        <${Field} label="Deregistration delay" hint="Seconds, 0–3600.">${(id: string, d: string | undefined) => html`<input id=${id}
          value=${f.deregistrationDelay} inputmode="numeric" aria-describedby=${d} onInput=${(e: Event) => setF({ ...f, deregistrationDelay: value(e) })} />`}<//>
        <${Field} label="Slow start duration" hint="Seconds: 0 (off) or 30–900.">${(id: string, d: string | undefined) => html`<input id=${id}
          value=${f.slowStart} inputmode="numeric" aria-describedby=${d} onInput=${(e: Event) => setF({ ...f, slowStart: value(e) })} />`}<//>
      </div>
    </section>
    <div class="actions">
      <button type="button" onClick=${() => onDone(false)}>Cancel</button>
      <button class="primary" type="submit" disabled=${busy}>Save changes</button>
    </div>
  </form>`;
}

function AttributesTab({ tg }: { tg: Xml }): VNode {
  const arn = text(tg, 'TargetGroupArn');
  const { data, error, reload } = usePoll(async () => {
    const attrs: Record<string, string> = {};
    for (const a of list(field(await call(ELB, 'DescribeTargetGroupAttributes', { TargetGroupArn: arn }), 'Attributes'))) attrs[text(a, 'Key')] = text(a, 'Value');
    return attrs;
  }, 0, [arn]);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (editing && data !== undefined) {
    return html`<div role="tabpanel" aria-labelledby="tab-Attributes"><${EditAttributes} arn=${arn} attrs=${data} onDone=${(ok: boolean) => {
      setEditing(false);
      setSaved(ok);
      if (ok) reload();
    }} /></div>`;
  }
  return html`<div role="tabpanel" aria-labelledby="tab-Attributes">
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
      : html`<dl class="summary">${Object.entries(data).map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`}
  </div>`;
}

export function TargetGroupDetails({ name }: { name: string }): VNode {
  const { data: tg, error } = usePoll(() => targetGroupByName(name), 0, [name]);
  const [tab, setTab] = useState('Targets');
  const flash = useFlash();
  return html`<section>
    <p class="crumbs"><a href="#/target-groups">Target groups</a> › ${name}</p>
    <h1>${name}</h1>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    <${ErrorAlert} error=${error} />
    ${tg === undefined
      ? null
      : html`<div>
          <dl class="summary">
            <div><dt>ARN</dt><dd><code>${text(tg, 'TargetGroupArn')}</code></dd></div>
            <div><dt>Protocol : Port</dt><dd>${text(tg, 'Protocol')}: ${text(tg, 'Port')}</dd></div>
            <div><dt>Target type</dt><dd>${text(tg, 'TargetType') === 'ip' ? 'IP' : 'Instance'}</dd></div>
            <div><dt>Protocol version</dt><dd>${text(tg, 'ProtocolVersion')}</dd></div>
            <div><dt>Load balancer</dt><dd>${list(field(tg, 'LoadBalancerArns')).map((a) => String(a).split('/')[2]).join(', ') || 'None associated'}</dd></div>
          </dl>
          <${Tabs} label="Target group details" tabs=${['Targets', 'Health checks', 'Attributes']} selected=${tab} onSelect=${setTab} />
          ${tab === 'Targets' ? html`<${TargetsTab} tg=${tg} />` : tab === 'Health checks' ? html`<${HealthChecksTab} tg=${tg} />` : html`<${AttributesTab} tg=${tg} />`}
        </div>`}
  </section>`;
}

export { describeTargetGroups };
