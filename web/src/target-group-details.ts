/**
 * A target group's details: its targets' live health (register, deregister), its health check
 * settings ("Edit": ModifyTargetGroup), its attributes and its monitoring charts.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { HEALTH_CHECK_PARAMETERS, HealthCheckFields, healthCheckOf, healthCheckParams, type HealthCheckForm } from './health-checks.ts';
import { TargetGroupMonitoring } from './monitoring.ts';
import { AttributesTab } from './target-group-attributes.ts';
import { loadBalancerNames, targetGroupByName } from './target-groups.ts';
import { EditForm, ErrorAlert, StateBadge, SuccessAlert, TabPanel, Tabs, TextField, fieldErrors, useFlash, usePoll, useSubmit } from './ui.ts';

/** How often the targets' health is asked for. */
const HEALTH_REFRESH_MS = 2000;

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
  const action = useSubmit();
  const keyOf = (d: Xml): string => `${text(field(d, 'Target'), 'Id')}:${text(field(d, 'Target'), 'Port')}`;
  const register = async (e: Event): Promise<void> => {
    e.preventDefault();
    const done = await action.submit(async () => {
      await call(ELB, 'RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: address.trim(), Port: port.trim() }] });
    });
    if (done) {
      setAddress('');
      reload();
    }
  };
  const deregister = async (): Promise<void> => {
    const targets = selected.map((k) => {
      const i = k.lastIndexOf(':');
      return { Id: k.slice(0, i), Port: k.slice(i + 1) };
    });
    if (await action.submit(async () => void (await call(ELB, 'DeregisterTargets', { TargetGroupArn: arn, Targets: targets })))) {
      setSelected([]);
      reload();
    }
  };
  return html`<div>
    <${ErrorAlert} error=${error} />
    <${ErrorAlert} error=${action.error} />
    <div class="page-head">
      <h2>Registered targets <span class="count">(${data?.length ?? 0})</span></h2>
      <button type="button" disabled=${selected.length === 0 || action.busy} onClick=${() => void deregister()}>Deregister</button>
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
        <${TextField} label=${isIp ? 'IP address' : 'Instance'} value=${address} onInput=${setAddress} />
        <${TextField} label="Port" value=${port} numeric onInput=${setPort} />
      </div>
      <button type="submit" disabled=${action.busy}>Register</button>
    </form>
  </div>`;
}

function EditHealthChecks({ tg, onDone }: { tg: Xml; onDone: (saved: Xml | undefined) => void }): VNode {
  const [form, setForm] = useState<HealthCheckForm>(() => healthCheckOf(tg));
  const { busy, error, submit } = useSubmit();
  const errors = fieldErrors(error, (param) => {
    const name = param?.split('.')[0];
    return name !== undefined && Object.hasOwn(HEALTH_CHECK_PARAMETERS, name) ? HEALTH_CHECK_PARAMETERS[name] : undefined;
  });
  const save = async (): Promise<void> => {
    let saved: Xml = '';
    const ok = await submit(async () => {
      const result = await call(ELB, 'ModifyTargetGroup', { TargetGroupArn: text(tg, 'TargetGroupArn'), ...healthCheckParams(form) });
      saved = list(field(result, 'TargetGroups'))[0] ?? '';
    });
    if (ok) onDone(saved);
  };
  return html`<${EditForm} id="edit-health-checks" title="Edit health check settings" notChanged="The health check settings were not changed."
    error=${error} busy=${busy} onSave=${() => void save()} onCancel=${() => onDone(undefined)}>
    <section class="panel">
      <${HealthCheckFields} form=${form} setForm=${setForm} errors=${errors} open=${true} />
    </section>
  <//>`;
}

function HealthChecksTab({ tg, replace }: { tg: Xml; replace: (tg: Xml) => void }): VNode {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (editing) {
    return html`<${EditHealthChecks} tg=${tg} onDone=${(saved: Xml | undefined) => {
      setEditing(false);
      setSaved(saved !== undefined);
      if (saved !== undefined) replace(saved);
    }} />`;
  }
  const port = text(tg, 'HealthCheckPort');
  const rows: Array<[string, string]> = [
    ['Protocol', text(tg, 'HealthCheckProtocol')],
    ['Path', text(tg, 'HealthCheckPath')],
    ['Port', port === 'traffic-port' ? 'Traffic port' : port],
    ['Healthy threshold', text(tg, 'HealthyThresholdCount')],
    ['Unhealthy threshold', text(tg, 'UnhealthyThresholdCount')],
    ['Timeout', `${text(tg, 'HealthCheckTimeoutSeconds')} seconds`],
    ['Interval', `${text(tg, 'HealthCheckIntervalSeconds')} seconds`],
    ['Success codes', text(field(tg, 'Matcher'), 'HttpCode')],
  ];
  return html`<div>
    ${saved ? html`<${SuccessAlert}>Health check settings saved.<//>` : null}
    <div class="page-head">
      <h2>Health check settings</h2>
      <button type="button" onClick=${() => {
        setSaved(false);
        setEditing(true);
      }}>Edit</button>
    </div>
    <dl class="summary" aria-label="Health check settings">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
  </div>`;
}

const TABS = ['Targets', 'Health checks', 'Attributes', 'Monitoring'];

export function TargetGroupDetails({ name }: { name: string }): VNode {
  const { data: tg, error, replace } = usePoll(() => targetGroupByName(name), 0, [name]);
  const [tab, setTab] = useState('Targets');
  const flash = useFlash();
  const arn = text(tg, 'TargetGroupArn');
  return html`<section>
    <p class="crumbs"><a href="#/target-groups">Target groups</a> › ${name}</p>
    <h1>${name}</h1>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    <${ErrorAlert} error=${error} />
    ${tg === undefined
      ? null
      : html`<div>
          <dl class="summary" aria-label="Details">
            <div><dt>ARN</dt><dd><code>${arn}</code></dd></div>
            <div><dt>Protocol : Port</dt><dd>${text(tg, 'Protocol')}: ${text(tg, 'Port')}</dd></div>
            <div><dt>Target type</dt><dd>${text(tg, 'TargetType') === 'ip' ? 'IP' : 'Instance'}</dd></div>
            <div><dt>Protocol version</dt><dd>${text(tg, 'ProtocolVersion')}</dd></div>
            <div><dt>Load balancer</dt><dd>${loadBalancerNames(tg) || 'None associated'}</dd></div>
          </dl>
          <${Tabs} label="Target group details" tabs=${TABS} selected=${tab} onSelect=${setTab} />
          <${TabPanel} tab=${tab}>${tab === 'Targets'
            ? html`<${TargetsTab} tg=${tg} />`
            : tab === 'Health checks'
              ? html`<${HealthChecksTab} tg=${tg} replace=${replace} />`
              : tab === 'Attributes'
                ? html`<${AttributesTab} arn=${arn} />`
                : html`<${TargetGroupMonitoring} arn=${arn} />`}<//>
        </div>`}
  </section>`;
}
