/**
 * Security groups (EC2's API): the list, "Create security group" with inbound rules (also inline
 * in "Create load balancer"), a group's page with "Edit inbound rules", and delete. A rule is one
 * protocol, one port range and one source CIDR, as EC2's console shows them.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, call, field, list, text, type Param, type Xml } from './api.ts';
import { html } from './html.ts';
import { ConfirmBar, ErrorAlert, FormActions, SuccessAlert, TextField, fieldErrors, navigate, navigateWithFlash, useFlash, usePoll, useSubmit } from './ui.ts';

export async function describeSecurityGroups(): Promise<Xml[]> {
  return list(field(await call('ec2', 'DescribeSecurityGroups'), 'securityGroupInfo'));
}

export interface RuleDraft {
  /** `tcp`, or `-1` for all traffic. */
  protocol: string;
  /** `80` or `8000-8100`; empty for all traffic. */
  ports: string;
  source: string;
  description: string;
}

type RuleErrors = Partial<Record<keyof RuleDraft, string>>;

const NEW_RULE: RuleDraft = { protocol: 'tcp', ports: '', source: '', description: '' };

/** A group's inbound rules, one per source. */
export function rulesOf(sg: Xml | undefined): RuleDraft[] {
  return list(field(sg, 'ipPermissions')).flatMap((p) => {
    const protocol = text(p, 'ipProtocol');
    const from = text(p, 'fromPort');
    const to = text(p, 'toPort');
    const ports = protocol === '-1' || from === '' ? '' : from === to ? from : `${from}-${to}`;
    return [
      ...list(field(p, 'ipRanges')).map((r) => ({ protocol, ports, source: text(r, 'cidrIp'), description: text(r, 'description') })),
      ...list(field(p, 'ipv6Ranges')).map((r) => ({ protocol, ports, source: text(r, 'cidrIpv6'), description: text(r, 'description') })),
    ];
  });
}

export function ruleText(r: RuleDraft): string {
  return `${r.protocol === '-1' ? 'All traffic' : `${r.protocol.toUpperCase()} ${r.ports}`} from ${r.source}`;
}

const sameRule = (a: RuleDraft, b: RuleDraft): boolean =>
  a.protocol === b.protocol && a.ports.trim() === b.ports.trim() && a.source.trim() === b.source.trim() && a.description.trim() === b.description.trim();

/** One rule as EC2's `IpPermissions.N`; the API checks protocol, ports and CIDR. */
function permission(r: RuleDraft): { [name: string]: Param } {
  const source = r.source.trim();
  const description = r.description.trim() === '' ? undefined : r.description.trim();
  const ranges = source.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: source, Description: description }] } : { IpRanges: [{ CidrIp: source, Description: description }] };
  if (r.protocol === '-1') return { IpProtocol: '-1', ...ranges };
  const [from, to] = r.ports.includes('-') ? r.ports.split('-').map((p) => p.trim()) : [r.ports.trim(), r.ports.trim()];
  return { IpProtocol: r.protocol, FromPort: from === '' ? undefined : from, ToPort: to === '' ? undefined : to, ...ranges };
}

/** The column an EC2 rule message is about. */
function ruleFieldOf(message: string): keyof RuleDraft {
  if (/cidr|source|ipranges|ipv6ranges/i.test(message)) return 'source';
  if (/description/i.test(message)) return 'description';
  if (/protocol/i.test(message) && !/port/i.test(message)) return 'protocol';
  return 'ports';
}

/** An API error with the rows of the rules it was about. */
class RuleError extends ApiError {
  readonly rows: RuleErrors[];
  constructor(err: ApiError, rows: RuleErrors[]) {
    super(err.code, err.message, err.status);
    this.rows = rows;
  }
}

/**
 * Adds `rules` in one call (all or none). When EC2 refuses, each rule is tried alone with DryRun
 * so that its message can be shown in its own row (a RuleError).
 */
async function authorize(groupId: string, rules: RuleDraft[]): Promise<void> {
  if (rules.length === 0) return;
  try {
    await call('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: groupId, IpPermissions: rules.map(permission) });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const rows: RuleErrors[] = await Promise.all(
      rules.map(async (r) => {
        try {
          await call('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: groupId, IpPermissions: [permission(r)], DryRun: true });
          return {};
        } catch (e) {
          return e instanceof ApiError && e.code !== 'DryRunOperation' ? { [ruleFieldOf(e.message)]: `${e.code}: ${e.message}` } : {};
        }
      }),
    );
    throw new RuleError(err, rows);
  }
}

const rowErrors = (err: unknown): RuleErrors[] => (err instanceof RuleError ? err.rows : []);

function InboundRulesEditor({ rules, onChange, errors }: { rules: RuleDraft[]; onChange: (r: RuleDraft[]) => void; errors: RuleErrors[] }): VNode {
  const set = (i: number, patch: Partial<RuleDraft>): void => onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const value = (e: Event): string => (e.target as HTMLInputElement).value;
  return html`<fieldset class="rules-editor">
    <legend>Inbound rules</legend>
    ${rules.length === 0
      ? html`<p class="empty">No inbound rules: a load balancer with only this group accepts no client.</p>`
      : html`<table class="rules-table">
          <thead><tr><th scope="col">Type</th><th scope="col">Port range</th><th scope="col">Source</th><th scope="col">Description</th><th scope="col"><span class="visually-hidden">Delete</span></th></tr></thead>
          <tbody>${rules.map((r, i) => {
            const e = errors[i] ?? {};
            const n = i + 1;
            const messages = Object.values(e);
            const errorId = messages.length > 0 ? `rule-${n}-error` : undefined;
            return html`<tr>
              <td><select aria-label=${`Type of rule ${n}`} value=${r.protocol} aria-invalid=${e.protocol ? 'true' : undefined} aria-describedby=${errorId}
                onChange=${(ev: Event) => set(i, value(ev) === '-1' ? { protocol: '-1', ports: '' } : { protocol: value(ev) })}>
                <option value="tcp">Custom TCP</option>
                <option value="-1">All traffic</option>
              </select></td>
              <td><input aria-label=${`Port range of rule ${n}`} value=${r.ports} disabled=${r.protocol === '-1'} placeholder=${r.protocol === '-1' ? 'All' : '80 or 8000-8100'}
                aria-invalid=${e.ports ? 'true' : undefined} aria-describedby=${errorId} onInput=${(ev: Event) => set(i, { ports: value(ev) })} /></td>
              <td><input aria-label=${`Source of rule ${n}`} value=${r.source} placeholder="0.0.0.0/0 or ::/0" aria-invalid=${e.source ? 'true' : undefined}
                aria-describedby=${errorId} onInput=${(ev: Event) => set(i, { source: value(ev) })} />
                ${messages.length > 0 ? html`<p class="field-error" id=${errorId}>${messages.join(' ')}</p>` : null}</td>
              <td><input aria-label=${`Description of rule ${n}`} value=${r.description} aria-invalid=${e.description ? 'true' : undefined}
                aria-describedby=${errorId} onInput=${(ev: Event) => set(i, { description: value(ev) })} /></td>
              <td><button type="button" class="link" aria-label=${`Delete rule ${n}`} onClick=${() => onChange(rules.filter((_, j) => j !== i))}>Delete</button></td>
            </tr>`;
          })}</tbody>
        </table>`}
    <button type="button" onClick=${() => onChange([...rules, NEW_RULE])}>Add rule</button>
  </fieldset>`;
}

interface GroupDraft {
  name: string;
  description: string;
  rules: RuleDraft[];
}

/** CreateSecurityGroup, then its rules; refused rules take the new group away again. Resolves to the group id. */
async function createSecurityGroup(g: GroupDraft): Promise<string> {
  const created = await call('ec2', 'CreateSecurityGroup', { GroupName: g.name.trim(), GroupDescription: g.description.trim(), VpcId: 'vpc-local' });
  const groupId = text(created, 'groupId');
  try {
    await authorize(groupId, g.rules);
  } catch (err) {
    await call('ec2', 'DeleteSecurityGroup', { GroupId: groupId }).catch(() => undefined);
    throw err;
  }
  return groupId;
}

/**
 * "Create security group": name, description, inbound rules. On its page it is a form; `inline`
 * (inside "Create load balancer", whose form it must not nest in) it is a group whose Enter key
 * and button create the security group, not the load balancer.
 */
export function CreateSecurityGroupForm(props: {
  onCreated: (groupId: string, name: string) => void;
  onCancel: () => void;
  initialRules?: RuleDraft[];
  inline?: boolean;
}): VNode {
  const [draft, setDraft] = useState<GroupDraft>({ name: '', description: '', rules: props.initialRules ?? [] });
  const { busy, error, submit } = useSubmit();
  const errors = fieldErrors(error, (param) => (param === 'GroupName' ? 'name' : param === 'GroupDescription' ? 'description' : undefined));
  const save = async (e?: Event): Promise<void> => {
    e?.preventDefault();
    let id = '';
    if (await submit(async () => void (id = await createSecurityGroup(draft)))) props.onCreated(id, draft.name.trim());
  };
  const content = html`
    <h2 id="create-security-group">Create security group</h2>
    <${ErrorAlert} error=${error} title="The security group was not created." />
    <div class="row">
      <${TextField} label="Security group name" value=${draft.name} onInput=${(v: string) => setDraft({ ...draft, name: v })} error=${errors.name} />
      <${TextField} label="Description" value=${draft.description} onInput=${(v: string) => setDraft({ ...draft, description: v })} error=${errors.description} />
    </div>
    <${InboundRulesEditor} rules=${draft.rules} onChange=${(rules: RuleDraft[]) => setDraft({ ...draft, rules })} errors=${rowErrors(error)} />
    <p class="hint">Outbound: all traffic (EC2's default rule).</p>
    <${FormActions} submit="Create security group" busy=${busy} onCancel=${props.onCancel} onSubmit=${props.inline ? () => void save() : undefined} />`;
  if (props.inline) {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
        e.preventDefault();
        void save();
      }
    };
    return html`<div class="panel nested" role="group" aria-labelledby="create-security-group" onKeyDown=${onKey}>${content}</div>`;
  }
  return html`<form class="panel" onSubmit=${save} aria-labelledby="create-security-group">${content}</form>`;
}

/** Which load balancers each group is attached to. */
async function groupUse(): Promise<Map<string, string[]>> {
  const use = new Map<string, string[]>();
  for (const lb of list(field(await call('elasticloadbalancing', 'DescribeLoadBalancers'), 'LoadBalancers'))) {
    for (const id of list(field(lb, 'SecurityGroups'))) use.set(String(id), [...(use.get(String(id)) ?? []), text(lb, 'LoadBalancerName')]);
  }
  return use;
}

export function SecurityGroupsPage(): VNode {
  const { data, error } = usePoll(async () => ({ groups: await describeSecurityGroups(), use: await groupUse() }), 0);
  const [creating, setCreating] = useState(false);
  const flash = useFlash();
  return html`<section>
    <div class="page-head">
      <h1>Security groups</h1>
      <button class="primary" type="button" onClick=${() => setCreating(true)}>Create security group</button>
    </div>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    <${ErrorAlert} error=${error} />
    ${creating
      ? html`<${CreateSecurityGroupForm} onCancel=${() => setCreating(false)}
          onCreated=${(id: string, name: string) => navigateWithFlash(`/security-groups/${id}`, `Security group ${name} (${id}) created.`)} />`
      : null}
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : data.groups.length === 0
        ? html`<p class="empty">No security groups. A load balancer without one accepts every client.</p>`
        : html`<table aria-label="Security groups">
            <thead><tr><th scope="col">Name</th><th scope="col">Security group ID</th><th scope="col">Description</th><th scope="col">Inbound rules</th><th scope="col">Load balancers</th></tr></thead>
            <tbody>${data.groups.map((sg) => {
              const id = text(sg, 'groupId');
              return html`<tr>
                <td><a href=${`#/security-groups/${id}`}>${text(sg, 'groupName')}</a></td>
                <td><code>${id}</code></td>
                <td>${text(sg, 'groupDescription')}</td>
                <td>${rulesOf(sg).map(ruleText).join('; ') || 'None'}</td>
                <td>${(data.use.get(id) ?? []).join(', ') || 'None'}</td>
              </tr>`;
            })}</tbody>
          </table>`}
  </section>`;
}

/**
 * Saves edited rules: new ones are added first (all or none), then the removed ones revoked; if
 * revoking fails the added ones are revoked again, so the group is as before or as asked.
 */
async function saveRules(groupId: string, before: RuleDraft[], after: RuleDraft[]): Promise<void> {
  const added = after.filter((r) => !before.some((b) => sameRule(b, r)));
  const removed = before.filter((b) => !after.some((r) => sameRule(b, r)));
  await authorize(groupId, added);
  if (removed.length === 0) return;
  try {
    await call('ec2', 'RevokeSecurityGroupIngress', { GroupId: groupId, IpPermissions: removed.map(permission) });
  } catch (err) {
    if (added.length > 0) await call('ec2', 'RevokeSecurityGroupIngress', { GroupId: groupId, IpPermissions: added.map(permission) }).catch(() => undefined);
    throw err;
  }
}

export function SecurityGroupDetails({ id }: { id: string }): VNode {
  const { data: sg, error, reload } = usePoll(async () => list(field(await call('ec2', 'DescribeSecurityGroups', { GroupId: [id] }), 'securityGroupInfo'))[0], 0, [id]);
  const flash = useFlash();
  const [editing, setEditing] = useState<RuleDraft[] | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const save = useSubmit();
  const del = useSubmit();
  const rules = rulesOf(sg);
  return html`<section>
    <p class="crumbs"><a href="#/security-groups">Security groups</a> › ${id}</p>
    <div class="page-head">
      <h1>${sg === undefined ? id : `${text(sg, 'groupName')} (${id})`}</h1>
      <button type="button" disabled=${sg === undefined} onClick=${() => setConfirming(true)}>Delete security group</button>
    </div>
    ${flash ? html`<${SuccessAlert}>${flash}<//>` : null}
    ${saved ? html`<${SuccessAlert}>Inbound rules saved.<//>` : null}
    <${ErrorAlert} error=${error} />
    <${ErrorAlert} error=${del.error} title="The security group was not deleted." />
    ${confirming
      ? html`<${ConfirmBar} question=${`Delete security group ${id}?`} confirm="Delete" busy=${del.busy} onCancel=${() => setConfirming(false)}
          onConfirm=${async () => {
            const ok = await del.submit(async () => void (await call('ec2', 'DeleteSecurityGroup', { GroupId: id })));
            setConfirming(false);
            if (ok) navigateWithFlash('/security-groups', `Security group ${id} deleted.`);
          }} />`
      : null}
    ${sg === undefined
      ? null
      : editing !== undefined
        ? html`<form class="panel" aria-labelledby="edit-inbound" onSubmit=${async (e: Event) => {
            e.preventDefault();
            if (await save.submit(() => saveRules(id, rules, editing))) {
              setEditing(undefined);
              setSaved(true);
              reload();
            }
          }}>
            <h2 id="edit-inbound">Edit inbound rules</h2>
            <${ErrorAlert} error=${save.error} title="The inbound rules were not changed." />
            <${InboundRulesEditor} rules=${editing} onChange=${setEditing} errors=${rowErrors(save.error)} />
            <${FormActions} submit="Save rules" busy=${save.busy} onCancel=${() => setEditing(undefined)} />
          </form>`
        : html`<div>
            <dl class="summary" aria-label="Details">
              <div><dt>Security group ID</dt><dd><code>${id}</code></dd></div>
              <div><dt>Description</dt><dd>${text(sg, 'groupDescription')}</dd></div>
              <div><dt>VPC</dt><dd><code>${text(sg, 'vpcId')}</code></dd></div>
            </dl>
            <div class="page-head">
              <h2>Inbound rules <span class="count">(${rules.length})</span></h2>
              <button type="button" onClick=${() => {
                setSaved(false);
                setEditing(rules);
              }}>Edit inbound rules</button>
            </div>
            ${rules.length === 0
              ? html`<p class="empty">No inbound rules.</p>`
              : html`<table aria-label="Inbound rules">
                  <thead><tr><th scope="col">Type</th><th scope="col">Port range</th><th scope="col">Source</th><th scope="col">Description</th></tr></thead>
                  <tbody>${rules.map((r) => html`<tr><td>${r.protocol === '-1' ? 'All traffic' : 'Custom TCP'}</td><td>${r.ports || 'All'}</td><td><code>${r.source}</code></td><td>${r.description}</td></tr>`)}</tbody>
                </table>`}
            <p><button type="button" class="link" onClick=${() => navigate('/security-groups')}>Back to security groups</button></p>
          </div>`}
  </section>`;
}
