/**
 * A load balancer's details: its listeners and rules, its security groups ("Edit security
 * groups": SetSecurityGroups), its attributes and its monitoring charts; delete.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, ApiError, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { ListenersTab } from './listeners.ts';
import { LoadBalancerAttributesTab } from './load-balancer-attributes.ts';
import { LoadBalancerMonitoring } from './monitoring.ts';
import { describeSecurityGroups, rulesOf, ruleText } from './security-groups.ts';
import { ConfirmBar, EditForm, ErrorAlert, SuccessAlert, TabPanel, Tabs, navigateWithFlash, useFlash, usePoll, useSubmit } from './ui.ts';

function SecurityTab({ lb, reload }: { lb: Xml; reload: () => void }): VNode {
  const groups = usePoll(describeSecurityGroups, 0);
  const attached = list(field(lb, 'SecurityGroups')).map(String);
  const [editing, setEditing] = useState<string[] | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const { busy, error, submit } = useSubmit();
  const byId = (id: string): Xml | undefined => groups.data?.find((g) => text(g, 'groupId') === id);
  if (editing !== undefined) {
    const save = async (): Promise<void> => {
      const ok = await submit(async () => void (await call(ELB, 'SetSecurityGroups', { LoadBalancerArn: text(lb, 'LoadBalancerArn'), SecurityGroups: editing })));
      if (ok) {
        setEditing(undefined);
        setSaved(true);
        reload();
      }
    };
    return html`<${EditForm} id="edit-security-groups" title="Edit security groups" notChanged="The security groups were not changed."
      error=${error} busy=${busy} onSave=${() => void save()} onCancel=${() => setEditing(undefined)}>
      <fieldset class="panel">
        <legend>Security groups</legend>
        ${(groups.data ?? []).length === 0 ? html`<p class="empty">No security groups exist; create one on the Security groups page.</p>` : null}
        ${(groups.data ?? []).map((g) => {
          const id = text(g, 'groupId');
          return html`<label class="checkbox"><input type="checkbox" checked=${editing.includes(id)}
            onChange=${(e: Event) => setEditing((e.target as HTMLInputElement).checked ? [...editing, id] : editing.filter((x) => x !== id))} />
            <span>${text(g, 'groupName')} <code>${id}</code></span></label>`;
        })}
        <p class="hint">With no security group the load balancer accepts every client.</p>
      </fieldset>
    <//>`;
  }
  return html`<div>
    ${saved ? html`<${SuccessAlert}>Security groups saved.<//>` : null}
    <${ErrorAlert} error=${groups.error} />
    <div class="page-head">
      <h2>Security groups <span class="count">(${attached.length})</span></h2>
      <button type="button" onClick=${() => {
        setSaved(false);
        setEditing(attached);
      }}>Edit security groups</button>
    </div>
    ${attached.length === 0
      ? html`<p class="empty">No security groups: the load balancer accepts every client.</p>`
      : html`<table aria-label="Security groups">
          <thead><tr><th scope="col">Security group</th><th scope="col">Name</th><th scope="col">Inbound rules</th></tr></thead>
          <tbody>${attached.map((id) => html`<tr>
            <td><a href=${`#/security-groups/${id}`}><code>${id}</code></a></td>
            <td>${text(byId(id), 'groupName')}</td>
            <td>${rulesOf(byId(id)).map(ruleText).join('; ') || 'None: no client can connect'}</td>
          </tr>`)}</tbody>
        </table>`}
  </div>`;
}

const TABS = ['Listeners', 'Security', 'Attributes', 'Monitoring'];

export function LoadBalancerDetails({ name }: { name: string }): VNode {
  const lb = usePoll(async () => {
    const found = list(field(await call(ELB, 'DescribeLoadBalancers', { Names: [name] }), 'LoadBalancers'))[0];
    if (found === undefined) throw new ApiError('LoadBalancerNotFound', `One or more load balancers not found: ${name}`, 400);
    return found;
  }, 5000, [name]);
  const arn = text(lb.data, 'LoadBalancerArn');
  const [tab, setTab] = useState('Listeners');
  const [confirming, setConfirming] = useState(false);
  const del = useSubmit();
  const flash = useFlash();
  return html`<section>
    <p class="crumbs"><a href="#/load-balancers">Load balancers</a> › ${name}</p>
    <div class="page-head">
      <h1>${name}</h1>
      <button type="button" disabled=${lb.data === undefined} onClick=${() => setConfirming(true)}>Delete load balancer</button>
    </div>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    <${ErrorAlert} error=${lb.error} />
    <${ErrorAlert} error=${del.error} title="The load balancer was not deleted." />
    ${confirming
      ? html`<${ConfirmBar} question=${`Delete load balancer ${name} and its listeners?`} confirm="Delete" busy=${del.busy}
          onCancel=${() => setConfirming(false)}
          onConfirm=${async () => {
            const ok = await del.submit(async () => void (await call(ELB, 'DeleteLoadBalancer', { LoadBalancerArn: arn })));
            setConfirming(false);
            if (ok) navigateWithFlash('/load-balancers', `Load balancer ${name} deleted.`);
          }} />`
      : null}
    ${lb.data === undefined
      ? null
      : html`<div>
          <dl class="summary" aria-label="Details">
            <div><dt>State</dt><dd>${text(field(lb.data, 'State'), 'Code')}</dd></div>
            <div><dt>DNS name</dt><dd><code>${text(lb.data, 'DNSName')}</code></dd></div>
            <div><dt>Scheme</dt><dd>${text(lb.data, 'Scheme')}</dd></div>
            <div><dt>IP address type</dt><dd>${text(lb.data, 'IpAddressType')}</dd></div>
            <div><dt>Nodes</dt><dd>${list(field(lb.data, 'AvailabilityZones')).map((z) => text(z, 'ZoneName')).join(', ')}</dd></div>
            <div><dt>ARN</dt><dd><code>${arn}</code></dd></div>
          </dl>
          <${Tabs} label="Load balancer details" tabs=${TABS} selected=${tab} onSelect=${setTab} />
          <${TabPanel} tab=${tab}>${tab === 'Listeners'
            ? html`<${ListenersTab} loadBalancerArn=${arn} />`
            : tab === 'Security'
              ? html`<${SecurityTab} lb=${lb.data} reload=${lb.reload} />`
              : tab === 'Attributes'
                ? html`<${LoadBalancerAttributesTab} arn=${arn} />`
                : html`<${LoadBalancerMonitoring} arn=${arn} />`}<//>
        </div>`}
  </section>`;
}
