/**
 * Target groups: the list and the tutorial's "Create target group" wizard (Basic configuration,
 * Health checks, Next, Register targets, Include as pending below, Create target group).
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, ApiError, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { DEFAULT_HEALTH_CHECK, HEALTH_CHECK_PARAMETERS, HealthCheckFields, healthCheckParams, type HealthCheckForm } from './health-checks.ts';
import { ConfirmBar, ErrorAlert, Field, FormActions, RadioGroup, SelectField, SuccessAlert, TextField, fieldErrors, navigate, navigateWithFlash, useFlash, usePoll, useSubmit } from './ui.ts';


export async function describeTargetGroups(): Promise<Xml[]> {
  return list(field(await call(ELB, 'DescribeTargetGroups'), 'TargetGroups'));
}

export async function targetGroupByName(name: string): Promise<Xml> {
  const found = list(field(await call(ELB, 'DescribeTargetGroups', { Names: [name] }), 'TargetGroups'))[0];
  if (found === undefined) throw new ApiError('TargetGroupNotFound', `One or more target groups not found: ${name}`, 400);
  return found;
}

/** The names of the load balancers a group's ARNs name (`.../app/<name>/<id>`). */
export function loadBalancerNames(tg: Xml): string {
  return list(field(tg, 'LoadBalancerArns')).map((a) => String(a).split('/')[2]).join(', ');
}

export function TargetGroupList(): VNode {
  const { data, error, replace } = usePoll(describeTargetGroups, 5000);
  const flash = useFlash();
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [deleted, setDeleted] = useState<string | undefined>(undefined);
  const del = useSubmit();
  const selectedGroup = data?.find((tg) => text(tg, 'TargetGroupArn') === selected);
  return html`<section>
    <div class="page-head">
      <h1>Target groups</h1>
      <div class="actions-inline">
        <button type="button" disabled=${selectedGroup === undefined} onClick=${() => setConfirming(true)}>Delete</button>
        <button class="primary" type="button" onClick=${() => navigate('/target-groups/create')}>Create target group</button>
      </div>
    </div>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    ${deleted ? html`<${SuccessAlert}>Target group ${deleted} deleted.<//>` : null}
    <${ErrorAlert} error=${error} />
    <${ErrorAlert} error=${del.error} title="The target group was not deleted." />
    ${confirming && selectedGroup !== undefined
      ? html`<${ConfirmBar} question=${`Delete target group ${text(selectedGroup, 'TargetGroupName')}?`} confirm="Delete" busy=${del.busy}
          onCancel=${() => setConfirming(false)}
          onConfirm=${async () => {
            const name = text(selectedGroup, 'TargetGroupName');
            const ok = await del.submit(async () => void (await call(ELB, 'DeleteTargetGroup', { TargetGroupArn: selected })));
            setConfirming(false);
            if (ok) {
              setDeleted(name);
              setSelected(undefined);
              replace((data ?? []).filter((tg) => text(tg, 'TargetGroupArn') !== selected));
            }
          }} />`
      : null}
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : data.length === 0
        ? html`<p class="empty">No target groups yet. Choose <strong>Create target group</strong> to add one.</p>`
        : html`<table aria-label="Target groups">
            <thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Name</th><th scope="col">Port</th><th scope="col">Protocol</th><th scope="col">Target type</th><th scope="col">Load balancer</th></tr></thead>
            <tbody>${data.map((tg) => {
              const name = text(tg, 'TargetGroupName');
              const arn = text(tg, 'TargetGroupArn');
              return html`<tr>
                <td><input type="radio" name="selectedTargetGroup" aria-label=${`Select ${name}`} checked=${selected === arn} onChange=${() => setSelected(arn)} /></td>
                <td><a href=${`#/target-groups/${encodeURIComponent(name)}`}>${name}</a></td>
                <td>${text(tg, 'Port')}</td>
                <td>${text(tg, 'Protocol')}</td>
                <td>${text(tg, 'TargetType') === 'ip' ? 'IP' : 'Instance'}</td>
                <td>${loadBalancerNames(tg) || 'None associated'}</td>
              </tr>`;
            })}</tbody>
          </table>`}
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// Create target group

type TargetType = 'instance' | 'ip';

interface GroupForm extends HealthCheckForm {
  targetType: TargetType;
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  port: string;
  protocolVersion: 'HTTP1' | 'HTTP2' | 'GRPC';
}

/** ALB's defaults, with the tutorial's HTTP 8080. */
const DEFAULT_FORM: GroupForm = {
  ...DEFAULT_HEALTH_CHECK,
  targetType: 'instance',
  name: '',
  protocol: 'HTTP',
  port: '8080',
  protocolVersion: 'HTTP1',
};

interface PendingTarget {
  id: string;
  port: number;
}

/** The CreateTargetGroup parameter behind each field of step 1. */
const PARAMETER_FIELDS: Record<string, keyof GroupForm> = {
  ...HEALTH_CHECK_PARAMETERS,
  Name: 'name',
  Port: 'port',
  Protocol: 'protocol',
  ProtocolVersion: 'protocolVersion',
  TargetType: 'targetType',
};

type GroupErrors = Partial<Record<keyof GroupForm, string>>;

function groupErrors(err: unknown): GroupErrors {
  return fieldErrors(err, (param, code) => {
    const name = param?.split('.')[0];
    if (name !== undefined && Object.hasOwn(PARAMETER_FIELDS, name)) return PARAMETER_FIELDS[name];
    return code === 'DuplicateTargetGroupName' ? 'name' : undefined;
  });
}

function GroupDetailsStep(props: { form: GroupForm; setForm: (f: GroupForm) => void; errors: GroupErrors; onNext: () => void }): VNode {
  const { form, setForm, errors } = props;
  const set = (key: keyof GroupForm) => (v: string) => setForm({ ...form, [key]: v });
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
      <${TextField} label="Target group name" name="name" hint="Up to 32 alphanumeric characters or hyphens; no hyphen at either end."
        value=${form.name} onInput=${set('name')} error=${errors.name} />
      <div class="row">
        <${SelectField} label="Protocol" value=${form.protocol} onChange=${set('protocol')}
          options=${[{ value: 'HTTP', label: 'HTTP' }, { value: 'HTTPS', label: 'HTTPS' }]} error=${errors.protocol} />
        <${TextField} label="Port" value=${form.port} numeric onInput=${set('port')} error=${errors.port} />
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
      <${HealthCheckFields} form=${form} setForm=${setForm} errors=${errors} />
    </section>
    <${FormActions} submit="Next" onCancel=${() => navigate('/target-groups')} />
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
        <${Field} label=${what} error=${inputError}>${(id: string, d: string | undefined) => html`<input id=${id}
          value=${address} aria-describedby=${d} placeholder=${form.targetType === 'ip' ? '127.0.0.1' : 'localhost'}
          onInput=${(e: Event) => setAddress((e.target as HTMLInputElement).value)}
          onKeyDown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              include();
            }
          }} />`}<//>
        <${TextField} label="Ports for the selected instances" hint="One or more, separated by commas." value=${ports} numeric onInput=${setPorts} />
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
    ...healthCheckParams(form),
  };
}

/** Whether a group of this name exists (CreateTargetGroup would hand it back rather than refuse). */
async function groupExists(name: string): Promise<boolean> {
  if (name === '') return false;
  return targetGroupByName(name).then(
    () => true,
    () => false,
  );
}

export function CreateTargetGroup(): VNode {
  const [step, setStep] = useState<1 | 2>(1);
  const [form, setForm] = useState<GroupForm>(DEFAULT_FORM);
  const [pending, setPending] = useState<PendingTarget[]>([]);
  const [errors, setErrors] = useState<GroupErrors>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  /**
   * The group, then its targets. If registering fails the group is deleted again, so the user
   * finds either the whole group or none; the page says which.
   */
  const create = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    const name = form.name.trim();
    let arn: string | undefined;
    try {
      if (await groupExists(name)) throw new ApiError('DuplicateTargetGroupName', `Name: a target group with the name '${name}' already exists`, 400);
      const created = await call(ELB, 'CreateTargetGroup', createParams(form));
      arn = text(list(field(created, 'TargetGroups'))[0], 'TargetGroupArn');
    } catch (err) {
      setBusy(false);
      const byField = groupErrors(err);
      setErrors(byField);
      setError(err);
      // A step-1 field: back there, with the API's message next to the field.
      if (Object.keys(byField).length > 0) setStep(1);
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
              : `Registering the targets failed: ${message}. The target group ${name} exists without targets; delete it or register them from its page.`,
            err instanceof ApiError ? err.status : 400,
          ),
        );
        return;
      }
    }
    setBusy(false);
    const count = pending.length === 0 ? '' : ` with ${pending.length} target${pending.length === 1 ? '' : 's'}`;
    navigateWithFlash(`/target-groups/${encodeURIComponent(name)}`, `Target group ${name} created${count}.`);
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
