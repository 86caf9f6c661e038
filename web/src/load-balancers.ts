/**
 * Load balancers: the list and "Create load balancer" → Application Load Balancer (Basic
 * configuration, Network mapping, Security groups with "Create new security group", Listeners
 * and routing, Summary, "Create load balancer").
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, ApiError, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { DEFAULT_LISTENER, ListenerFields, createListener, listenerErrors, useListenerChoices, type ListenerDraft } from './listeners.ts';
import { CreateSecurityGroupForm, describeSecurityGroups, rulesOf, ruleText } from './security-groups.ts';
import { ErrorAlert, FormActions, RadioGroup, SuccessAlert, TextField, fieldErrors, navigate, navigateWithFlash, useFlash, usePoll } from './ui.ts';


async function describeLoadBalancers(): Promise<Xml[]> {
  return list(field(await call(ELB, 'DescribeLoadBalancers'), 'LoadBalancers'));
}

export function LoadBalancerList(): VNode {
  const { data, error } = usePoll(describeLoadBalancers, 5000);
  const flash = useFlash();
  return html`<section>
    <div class="page-head">
      <h1>Load balancers</h1>
      <button class="primary" type="button" onClick=${() => navigate('/load-balancers/create')}>Create load balancer</button>
    </div>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    <${ErrorAlert} error=${error} />
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : data.length === 0
        ? html`<p class="empty">No load balancers yet. Choose <strong>Create load balancer</strong> to add one.</p>`
        : html`<table aria-label="Load balancers">
            <thead><tr><th scope="col">Name</th><th scope="col">DNS name</th><th scope="col">State</th><th scope="col">Scheme</th><th scope="col">Type</th></tr></thead>
            <tbody>${data.map((lb) => {
              const name = text(lb, 'LoadBalancerName');
              return html`<tr>
                <td><a href=${`#/load-balancers/${encodeURIComponent(name)}`}>${name}</a></td>
                <td><code>${text(lb, 'DNSName')}</code></td>
                <td>${text(field(lb, 'State'), 'Code')}</td>
                <td>${text(lb, 'Scheme')}</td>
                <td>${text(lb, 'Type')}</td>
              </tr>`;
            })}</tbody>
          </table>`}
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// Create load balancer

interface LbForm {
  name: string;
  scheme: 'internet-facing' | 'internal';
  ipAddressType: 'ipv4' | 'dualstack';
  nodes: string[];
  securityGroups: string[];
}

type LbErrors = Partial<Record<keyof LbForm, string>>;

const DEFAULT_LB: LbForm = { name: '', scheme: 'internet-facing', ipAddressType: 'ipv4', nodes: [], securityGroups: [] };

/** The CreateLoadBalancer parameter (or error code) behind each field. */
function lbErrors(err: unknown): LbErrors {
  return fieldErrors(err, (param, code) => {
    if (param === 'Name' || code === 'DuplicateLoadBalancerName') return 'name';
    if (param === 'Scheme') return 'scheme';
    if (param === 'IpAddressType') return 'ipAddressType';
    if (param?.startsWith('Subnet') || code === 'InvalidSubnet') return 'nodes';
    if (param?.startsWith('SecurityGroups') || code === 'InvalidSecurityGroup') return 'securityGroups';
    return undefined;
  });
}

/** The listener step failed: the load balancer was taken away again (or could not be). */
class ListenerStepError extends ApiError {
  readonly listener: ApiError;
  constructor(listener: ApiError, message: string) {
    super(listener.code, message, listener.status);
    this.listener = listener;
  }
}

function ChooseType({ onCreate }: { onCreate: () => void }): VNode {
  return html`<section>
    <h1>Compare and select load balancer type</h1>
    <div class="cards">
      <article class="card" aria-labelledby="alb-title">
        <h2 id="alb-title">Application Load Balancer</h2>
        <p>HTTP and HTTPS traffic, routed by listener rules to target groups, with health checks and TLS termination.</p>
        <button class="primary" type="button" aria-label="Create Application Load Balancer" onClick=${onCreate}>Create</button>
      </article>
    </div>
  </section>`;
}

/** Nodes Albatross knows of: this one (`local`) and those the load balancers name. */
async function knownNodes(): Promise<string[]> {
  const nodes = new Set(['local']);
  for (const lb of await describeLoadBalancers()) for (const z of list(field(lb, 'AvailabilityZones'))) nodes.add(text(z, 'ZoneName'));
  return [...nodes].sort();
}

function AlbForm(): VNode {
  const [form, setForm] = useState<LbForm>(DEFAULT_LB);
  const [listener, setListener] = useState<ListenerDraft>(DEFAULT_LISTENER);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [creatingGroup, setCreatingGroup] = useState(false);
  const choices = useListenerChoices();
  const securityGroups = usePoll(describeSecurityGroups, 0);
  const nodes = usePoll(knownNodes, 0);
  const errors = lbErrors(error);
  const listenerFieldErrors = listenerErrors(error instanceof ListenerStepError ? error.listener : error);
  const groupName = (id: string): string => text(securityGroups.data?.find((g) => text(g, 'groupId') === id), 'groupName') || id;
  const toggle = (values: string[], v: string, on: boolean): string[] => (on ? [...values, v] : values.filter((x) => x !== v));

  /** The load balancer, then its listener; a refused listener takes the load balancer away again. */
  const create = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const name = form.name.trim();
    let arn: string;
    try {
      const existing = name === '' ? [] : await call(ELB, 'DescribeLoadBalancers', { Names: [name] }).then((r) => list(field(r, 'LoadBalancers')), () => []);
      if (existing.length > 0) throw new ApiError('DuplicateLoadBalancerName', `Name: a load balancer with the name '${name}' already exists`, 400);
      const created = await call(ELB, 'CreateLoadBalancer', {
        Name: name,
        Type: 'application',
        Scheme: form.scheme,
        IpAddressType: form.ipAddressType,
        Subnets: form.nodes.length > 0 ? form.nodes.map((n) => `subnet-${n}`) : undefined,
        SecurityGroups: form.securityGroups.length > 0 ? form.securityGroups : undefined,
      });
      arn = text(list(field(created, 'LoadBalancers'))[0], 'LoadBalancerArn');
    } catch (err) {
      setBusy(false);
      setError(err);
      return;
    }
    try {
      await createListener(arn, listener);
    } catch (err) {
      const undone = await call(ELB, 'DeleteLoadBalancer', { LoadBalancerArn: arn }).then(() => true, () => false);
      setBusy(false);
      const cause = err instanceof ApiError ? err : new ApiError('Error', String(err), 400);
      setError(
        new ListenerStepError(
          cause,
          undone
            ? `The listener could not be created, so the load balancer was not kept: ${cause.message}`
            : `The listener could not be created: ${cause.message}. The load balancer ${name} exists without it; add the listener from its page.`,
        ),
      );
      return;
    }
    setBusy(false);
    navigateWithFlash(`/load-balancers/${encodeURIComponent(name)}`, `Load balancer ${name} created.`);
  };

  const listenerSummary = `${listener.protocol}:${listener.port} → ${
    listener.action.type === 'forward'
      ? listener.action.targetGroupArn
        ? `forward to ${text(choices.data?.groups.find((g) => text(g, 'TargetGroupArn') === listener.action.targetGroupArn), 'TargetGroupName')}`
        : '(no target group)'
      : listener.action.type === 'redirect'
        ? 'redirect'
        : 'fixed response'
  }`;

  return html`<form onSubmit=${create} aria-labelledby="create-alb">
    <h1 id="create-alb">Create Application Load Balancer</h1>
    <section class="panel" aria-labelledby="lb-basic">
      <h2 id="lb-basic">Basic configuration</h2>
      <${TextField} label="Load balancer name" name="name" hint="Up to 32 alphanumeric characters or hyphens; no hyphen at either end."
        value=${form.name} onInput=${(name: string) => setForm({ ...form, name })} error=${errors.name} />
      <${RadioGroup} legend="Scheme" name="scheme" value=${form.scheme} onChange=${(v: LbForm['scheme']) => setForm({ ...form, scheme: v })}
        options=${[
          { value: 'internet-facing', label: 'Internet-facing', description: 'Listeners bind every address of the node.' },
          { value: 'internal', label: 'Internal', description: 'Listeners bind loopback only.' },
        ]} />
      ${errors.scheme ? html`<p class="field-error">${errors.scheme}</p>` : null}
      <${RadioGroup} legend="IP address type" name="ipAddressType" value=${form.ipAddressType} onChange=${(v: LbForm['ipAddressType']) => setForm({ ...form, ipAddressType: v })}
        options=${[
          { value: 'ipv4', label: 'IPv4' },
          { value: 'dualstack', label: 'Dualstack', description: 'IPv4 and IPv6.' },
        ]} />
      ${errors.ipAddressType ? html`<p class="field-error">${errors.ipAddressType}</p>` : null}
    </section>
    <section class="panel" aria-labelledby="lb-network">
      <h2 id="lb-network">Network mapping</h2>
      <p class="static-field"><span class="label">VPC</span> <code>vpc-local</code></p>
      <fieldset>
        <legend>Mappings</legend>
        <p class="hint">Albatross nodes play the part of Availability Zones and subnets. With none selected the load balancer runs on every node.</p>
        ${(nodes.data ?? ['local']).map(
          (n) => html`<label class="checkbox"><input type="checkbox" checked=${form.nodes.includes(n)}
            onChange=${(e: Event) => setForm({ ...form, nodes: toggle(form.nodes, n, (e.target as HTMLInputElement).checked) })} />
            <span>${n} (<code>subnet-${n}</code>)</span></label>`,
        )}
        ${errors.nodes ? html`<p class="field-error">${errors.nodes}</p>` : null}
      </fieldset>
    </section>
    <section class="panel" aria-labelledby="lb-sg">
      <h2 id="lb-sg">Security groups</h2>
      <${ErrorAlert} error=${securityGroups.error} />
      ${securityGroups.data === undefined
        ? html`<p class="loading">Loading…</p>`
        : securityGroups.data.length === 0
          ? html`<p class="empty">No security groups: the load balancer accepts every client.</p>`
          : html`<fieldset><legend>Select security groups</legend>${securityGroups.data.map((sg) => {
              const id = text(sg, 'groupId');
              return html`<label class="checkbox"><input type="checkbox" checked=${form.securityGroups.includes(id)}
                onChange=${(e: Event) => setForm({ ...form, securityGroups: toggle(form.securityGroups, id, (e.target as HTMLInputElement).checked) })} />
                <span>${text(sg, 'groupName')} <code>${id}</code> <small>${rulesOf(sg).map(ruleText).join('; ') || 'no inbound rules'}</small></span></label>`;
            })}</fieldset>`}
      ${errors.securityGroups ? html`<p class="field-error">${errors.securityGroups}</p>` : null}
      ${creatingGroup
        ? html`<${CreateSecurityGroupForm} inline initialRules=${[{ protocol: 'tcp', ports: listener.port, source: '0.0.0.0/0', description: '' }]}
            onCancel=${() => setCreatingGroup(false)}
            onCreated=${(id: string) => {
              setCreatingGroup(false);
              setForm({ ...form, securityGroups: [...form.securityGroups, id] });
              securityGroups.reload();
            }} />`
        : html`<button type="button" onClick=${() => setCreatingGroup(true)}>Create new security group</button>`}
    </section>
    <section class="panel" aria-labelledby="lb-listeners">
      <h2 id="lb-listeners">Listeners and routing</h2>
      <${ErrorAlert} error=${choices.error} />
      ${choices.data === undefined
        ? html`<p class="loading">Loading…</p>`
        : html`<${ListenerFields} value=${listener} onChange=${setListener} choices=${choices.data} errors=${listenerFieldErrors} />`}
    </section>
    <section class="panel" aria-labelledby="lb-summary">
      <h2 id="lb-summary">Summary</h2>
      <dl class="summary">
        <div><dt>Name</dt><dd>${form.name || '—'}</dd></div>
        <div><dt>Scheme</dt><dd>${form.scheme === 'internal' ? 'Internal' : 'Internet-facing'}</dd></div>
        <div><dt>IP address type</dt><dd>${form.ipAddressType === 'ipv4' ? 'IPv4' : 'Dualstack'}</dd></div>
        <div><dt>Network mapping</dt><dd>${form.nodes.join(', ') || 'Every node'}</dd></div>
        <div><dt>Security groups</dt><dd>${form.securityGroups.map(groupName).join(', ') || 'None'}</dd></div>
        <div><dt>Listener</dt><dd>${listenerSummary}</dd></div>
      </dl>
    </section>
    <${ErrorAlert} error=${error} title="The load balancer was not created." />
    <${FormActions} submit="Create load balancer" busy=${busy} onCancel=${() => navigate('/load-balancers')} />
  </form>`;
}

export function CreateLoadBalancer(): VNode {
  const [chosen, setChosen] = useState(false);
  return chosen ? html`<${AlbForm} />` : html`<${ChooseType} onCreate=${() => setChosen(true)} />`;
}

