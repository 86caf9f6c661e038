/**
 * Load balancers: the list, "Create load balancer" → Application Load Balancer (basic
 * configuration, network mapping, security groups, listeners and routing, summary) and a load
 * balancer's details with its listeners.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { ErrorAlert, Field, navigate, navigateWithFlash, useFlash, RadioGroup, SuccessAlert, Tabs, usePoll } from './ui.ts';
import { describeTargetGroups } from './target-groups.ts';

const ELB = 'elasticloadbalancing';

async function describeLoadBalancers(): Promise<Xml[]> {
  return list(field(await call(ELB, 'DescribeLoadBalancers'), 'LoadBalancers'));
}

export function LoadBalancerList(): VNode {
  const { data, error } = usePoll(describeLoadBalancers, 5000);
  return html`<section>
    <div class="page-head">
      <h1>Load balancers</h1>
      <button class="primary" type="button" onClick=${() => navigate('/load-balancers/create')}>Create load balancer</button>
    </div>
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
  securityGroups: string[];
  protocol: 'HTTP';
  port: string;
  targetGroupArn: string;
}

const DEFAULT_LB: LbForm = { name: '', scheme: 'internet-facing', ipAddressType: 'ipv4', securityGroups: [], protocol: 'HTTP', port: '80', targetGroupArn: '' };

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

function AlbForm(): VNode {
  const [form, setForm] = useState<LbForm>(DEFAULT_LB);
  const [error, setError] = useState<unknown>(undefined);
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [listenerError, setListenerError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const groups = usePoll(describeTargetGroups, 0);
  const securityGroups = usePoll(async () => list(field(await call('ec2', 'DescribeSecurityGroups'), 'securityGroupInfo')), 0);
  const tgName = (arn: string): string => text(groups.data?.find((g) => text(g, 'TargetGroupArn') === arn), 'TargetGroupName');

  /** The load balancer, then its listener; a failed listener takes the load balancer away again. */
  const create = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNameError(undefined);
    setListenerError(undefined);
    let arn: string;
    try {
      const created = await call(ELB, 'CreateLoadBalancer', {
        Name: form.name.trim(),
        Type: 'application',
        Scheme: form.scheme,
        IpAddressType: form.ipAddressType,
        Subnets: ['subnet-local'],
        SecurityGroups: form.securityGroups.length > 0 ? form.securityGroups : undefined,
      });
      arn = text(list(field(created, 'LoadBalancers'))[0], 'LoadBalancerArn');
    } catch (err) {
      setBusy(false);
      setError(err);
      if (err instanceof Error && /\bname\b/i.test(err.message)) setNameError(err.message);
      return;
    }
    try {
      await call(ELB, 'CreateListener', {
        LoadBalancerArn: arn,
        Protocol: form.protocol,
        Port: form.port.trim(),
        DefaultActions: [{ Type: 'forward', TargetGroupArn: form.targetGroupArn || undefined }],
      });
    } catch (err) {
      let undone = true;
      try {
        await call(ELB, 'DeleteLoadBalancer', { LoadBalancerArn: arn });
      } catch {
        undone = false;
      }
      setBusy(false);
      const message = err instanceof Error ? err.message : String(err);
      setListenerError(message);
      setError(
        new ApiError(
          err instanceof ApiError ? err.code : 'Error',
          undone
            ? `The listener could not be created, so the load balancer was not kept: ${message}`
            : `The listener could not be created: ${message}. The load balancer ${form.name} exists without it; add the listener from its page.`,
          400,
        ),
      );
      return;
    }
    setBusy(false);
    navigateWithFlash(`/load-balancers/${encodeURIComponent(form.name.trim())}`, `Load balancer ${form.name.trim()} created.`);
  };

  return html`<form onSubmit=${create}>
    <h1>Create Application Load Balancer</h1>
    <section class="panel" aria-labelledby="lb-basic">
      <h2 id="lb-basic">Basic configuration</h2>
      <${Field} label="Load balancer name" hint="Up to 32 alphanumeric characters or hyphens; no hyphen at either end." error=${nameError}>${(id: string, d: string | undefined) => html`<input
        id=${id} name="name" value=${form.name} aria-describedby=${d} aria-invalid=${nameError ? 'true' : undefined}
        onInput=${(e: Event) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} />`}<//>
      <${RadioGroup} legend="Scheme" name="scheme" value=${form.scheme} onChange=${(v: LbForm['scheme']) => setForm({ ...form, scheme: v })}
        options=${[
          { value: 'internet-facing', label: 'Internet-facing', description: 'Listeners bind every address of the node.' },
          { value: 'internal', label: 'Internal', description: 'Listeners bind loopback only.' },
        ]} />
      <${RadioGroup} legend="IP address type" name="ipAddressType" value=${form.ipAddressType} onChange=${(v: LbForm['ipAddressType']) => setForm({ ...form, ipAddressType: v })}
        options=${[
          { value: 'ipv4', label: 'IPv4' },
          { value: 'dualstack', label: 'Dualstack', description: 'IPv4 and IPv6.' },
        ]} />
    </section>
    <section class="panel" aria-labelledby="lb-network">
      <h2 id="lb-network">Network mapping</h2>
      <p class="static-field"><span class="label">VPC</span> <code>vpc-local</code></p>
      <fieldset>
        <legend>Mappings</legend>
        <label class="checkbox"><input type="checkbox" checked disabled /> <span>local (<code>subnet-local</code>) — this node</span></label>
      </fieldset>
    </section>
    <section class="panel" aria-labelledby="lb-sg">
      <h2 id="lb-sg">Security groups</h2>
      <${ErrorAlert} error=${securityGroups.error} />
      ${securityGroups.data === undefined
        ? html`<p class="loading">Loading…</p>`
        : securityGroups.data.length === 0
          ? html`<p class="empty">No security groups: the load balancer accepts every client.</p>`
          : html`<fieldset><legend>Security groups</legend>${securityGroups.data.map((sg) => {
              const id = text(sg, 'groupId');
              return html`<label class="checkbox"><input type="checkbox" checked=${form.securityGroups.includes(id)}
                onChange=${(e: Event) => setForm({ ...form, securityGroups: (e.target as HTMLInputElement).checked ? [...form.securityGroups, id] : form.securityGroups.filter((g) => g !== id) })} />
                <span>${text(sg, 'groupName')} <code>${id}</code></span></label>`;
            })}</fieldset>`}
    </section>
    <section class="panel" aria-labelledby="lb-listeners">
      <h2 id="lb-listeners">Listeners and routing</h2>
      <div class="row">
        <${Field} label="Protocol">${(id: string) => html`<select id=${id} value=${form.protocol}><option value="HTTP">HTTP</option></select>`}<//>
        <${Field} label="Port" error=${listenerError && /\bport\b/i.test(listenerError) ? listenerError : undefined}>${(id: string, d: string | undefined) => html`<input
          id=${id} value=${form.port} inputmode="numeric" aria-describedby=${d}
          onInput=${(e: Event) => setForm({ ...form, port: (e.target as HTMLInputElement).value })} />`}<//>
        <${Field} label="Default action" hint="Forward to">${(id: string, d: string | undefined) => html`<select id=${id} aria-describedby=${d}
          value=${form.targetGroupArn} onChange=${(e: Event) => setForm({ ...form, targetGroupArn: (e.target as HTMLSelectElement).value })}>
          <option value="">Select a target group</option>
          ${(groups.data ?? []).map((g) => html`<option value=${text(g, 'TargetGroupArn')}>${text(g, 'TargetGroupName')}</option>`)}
        </select>`}<//>
      </div>
    </section>
    <section class="panel" aria-labelledby="lb-summary">
      <h2 id="lb-summary">Summary</h2>
      <dl class="summary">
        <div><dt>Name</dt><dd>${form.name || '—'}</dd></div>
        <div><dt>Scheme</dt><dd>${form.scheme === 'internal' ? 'Internal' : 'Internet-facing'}</dd></div>
        <div><dt>IP address type</dt><dd>${form.ipAddressType === 'ipv4' ? 'IPv4' : 'Dualstack'}</dd></div>
        <div><dt>Security groups</dt><dd>${form.securityGroups.join(', ') || 'None'}</dd></div>
        <div><dt>Listener</dt><dd>${form.protocol}:${form.port} → ${form.targetGroupArn ? `forward to ${tgName(form.targetGroupArn)}` : '(no target group)'}</dd></div>
      </dl>
    </section>
    <${ErrorAlert} error=${error} title="The load balancer was not created." />
    <div class="actions">
      <button type="button" onClick=${() => navigate('/load-balancers')}>Cancel</button>
      <button class="primary" type="submit" disabled=${busy}>Create load balancer</button>
    </div>
  </form>`;
}

export function CreateLoadBalancer(): VNode {
  const [chosen, setChosen] = useState(false);
  return chosen ? html`<${AlbForm} />` : html`<${ChooseType} onCreate=${() => setChosen(true)} />`;
}

// ---------------------------------------------------------------------------------------------
// Details

function actionText(a: Xml, groups: Xml[]): string {
  const type = text(a, 'Type');
  if (type === 'forward') {
    const arns = [text(a, 'TargetGroupArn'), ...list(field(field(a, 'ForwardConfig'), 'TargetGroups')).map((t) => text(t, 'TargetGroupArn'))].filter(Boolean);
    const names = [...new Set(arns)].map((arn) => text(groups.find((g) => text(g, 'TargetGroupArn') === arn), 'TargetGroupName') || arn);
    return `Forward to ${names.join(', ')}`;
  }
  if (type === 'fixed-response') return `Return fixed response ${text(field(a, 'FixedResponseConfig'), 'StatusCode')}`;
  if (type === 'redirect') return `Redirect to ${text(field(a, 'RedirectConfig'), 'Protocol')}:${text(field(a, 'RedirectConfig'), 'Port')}`;
  return type;
}

export function LoadBalancerDetails({ name }: { name: string }): VNode {
  const lb = usePoll(async () => {
    const found = list(field(await call(ELB, 'DescribeLoadBalancers', { Names: [name] }), 'LoadBalancers'))[0];
    if (found === undefined) throw new ApiError('LoadBalancerNotFound', `One or more load balancers not found: ${name}`, 400);
    return found;
  }, 5000, [name]);
  const arn = text(lb.data, 'LoadBalancerArn');
  const listeners = usePoll(async () => (arn === '' ? [] : list(field(await call(ELB, 'DescribeListeners', { LoadBalancerArn: arn }), 'Listeners'))), 5000, [arn]);
  const groups = usePoll(describeTargetGroups, 0);
  const [tab, setTab] = useState('Listeners');
  const flash = useFlash();
  return html`<section>
    <p class="crumbs"><a href="#/load-balancers">Load balancers</a> › ${name}</p>
    <h1>${name}</h1>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    <${ErrorAlert} error=${lb.error} />
    ${lb.data === undefined
      ? null
      : html`<div>
          <dl class="summary">
            <div><dt>State</dt><dd>${text(field(lb.data, 'State'), 'Code')}</dd></div>
            <div><dt>DNS name</dt><dd><code>${text(lb.data, 'DNSName')}</code></dd></div>
            <div><dt>Scheme</dt><dd>${text(lb.data, 'Scheme')}</dd></div>
            <div><dt>IP address type</dt><dd>${text(lb.data, 'IpAddressType')}</dd></div>
            <div><dt>ARN</dt><dd><code>${arn}</code></dd></div>
          </dl>
          <${Tabs} label="Load balancer details" tabs=${['Listeners']} selected=${tab} onSelect=${setTab} />
          <div role="tabpanel" aria-labelledby="tab-Listeners">
            <${ErrorAlert} error=${listeners.error} />
            ${listeners.data === undefined
              ? html`<p class="loading">Loading…</p>`
              : listeners.data.length === 0
                ? html`<p class="empty">No listeners.</p>`
                : html`<table aria-label="Listeners">
                    <thead><tr><th scope="col">Protocol:Port</th><th scope="col">Default action</th></tr></thead>
                    <tbody>${listeners.data.map(
                      (l) => html`<tr><td>${text(l, 'Protocol')}:${text(l, 'Port')}</td>
                        <td>${list(field(l, 'DefaultActions')).map((a) => actionText(a, groups.data ?? [])).join('; ')}</td></tr>`,
                    )}</tbody>
                  </table>`}
          </div>
        </div>`}
  </section>`;
}
