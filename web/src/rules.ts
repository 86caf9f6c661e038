/**
 * A listener's rules (DescribeRules): priority, conditions and actions, the default rule last;
 * "Add rule" (one condition and an action) and delete.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, call, field, list, text, type Param, type Xml } from './api.ts';
import { ActionFields, DEFAULT_ACTION, actionFieldOf, actionParam, actionText, type ActionDraft, type ActionErrors } from './actions.ts';
import { html } from './html.ts';
import { ConfirmBar, ErrorAlert, FormActions, SelectField, SuccessAlert, TextField, problemLines, usePoll, useSubmit } from './ui.ts';


type ConditionField = 'path-pattern' | 'host-header' | 'http-request-method' | 'source-ip';

const CONDITIONS: Array<{ value: ConditionField; label: string; config: string; hint: string }> = [
  { value: 'path-pattern', label: 'Path', config: 'PathPatternConfig', hint: 'e.g. /api/*; * and ? are wildcards.' },
  { value: 'host-header', label: 'Host header', config: 'HostHeaderConfig', hint: 'e.g. *.example.com' },
  { value: 'http-request-method', label: 'HTTP request method', config: 'HttpRequestMethodConfig', hint: 'e.g. GET, HEAD' },
  { value: 'source-ip', label: 'Source IP', config: 'SourceIpConfig', hint: 'CIDR blocks, e.g. 10.0.0.0/8' },
];

/** A condition in words: "Path is /api/*", "HTTP header X-Env is blue". */
function conditionText(c: Xml): string {
  const f = text(c, 'Field');
  const values = (config: string): string[] => {
    const v = list(field(field(c, config), 'Values'));
    return (v.length > 0 ? v : list(field(c, 'Values'))).map(String);
  };
  switch (f) {
    case 'http-header': {
      const h = field(c, 'HttpHeaderConfig');
      return `HTTP header ${text(h, 'HttpHeaderName')} is ${list(field(h, 'Values')).map(String).join(' or ')}`;
    }
    case 'query-string':
      return `Query string is ${list(field(field(c, 'QueryStringConfig'), 'Values')).map((p) => `${text(p, 'Key')}=${text(p, 'Value')}`).join(' or ')}`;
    default: {
      const known = CONDITIONS.find((k) => k.value === f);
      return `${known?.label ?? f} is ${values(known?.config ?? '').join(' or ')}`;
    }
  }
}

interface RuleDraft {
  priority: string;
  condition: ConditionField;
  values: string;
  action: ActionDraft;
}

interface RuleErrors {
  priority?: string;
  values?: string;
  action: ActionErrors;
}

function ruleErrors(err: unknown): RuleErrors {
  const out: RuleErrors = { action: {} };
  for (const { param, message } of problemLines(err)) {
    if (param === 'Priority' || /priority/i.test(message)) out.priority ??= message;
    else if (param?.startsWith('Conditions') || /condition/i.test(message)) out.values ??= message;
    else {
      const a = actionFieldOf(param, '');
      if (a !== undefined) out.action[a] ??= message;
    }
  }
  return out;
}

function AddRule({ listenerArn, groups, onDone }: { listenerArn: string; groups: Xml[]; onDone: (added: boolean) => void }): VNode {
  const [draft, setDraft] = useState<RuleDraft>({ priority: '', condition: 'path-pattern', values: '', action: DEFAULT_ACTION });
  const { busy, error, submit } = useSubmit();
  const errors = ruleErrors(error);
  const config = CONDITIONS.find((c) => c.value === draft.condition)!;
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const values = draft.values.split(',').map((v) => v.trim()).filter((v) => v !== '');
    const condition: { [name: string]: Param } = { Field: draft.condition, [config.config]: { Values: values } };
    const ok = await submit(async () => {
      await call(ELB, 'CreateRule', { ListenerArn: listenerArn, Priority: draft.priority.trim(), Conditions: [condition], Actions: [actionParam(draft.action)] });
    });
    if (ok) onDone(true);
  };
  return html`<form class="subpanel" onSubmit=${save} aria-labelledby="add-rule">
    <h3 id="add-rule">Add rule</h3>
    <${ErrorAlert} error=${error} title="The rule was not added." />
    <div class="row">
      <${TextField} label="Priority" value=${draft.priority} numeric hint="1–50000; lower is evaluated first." error=${errors.priority}
        onInput=${(priority: string) => setDraft({ ...draft, priority })} />
      <${SelectField} label="Condition" value=${draft.condition} options=${CONDITIONS} onChange=${(condition: ConditionField) => setDraft({ ...draft, condition })} />
      <${TextField} label="Condition values" value=${draft.values} hint=${`${config.hint} Several: separate with commas.`} error=${errors.values}
        onInput=${(values: string) => setDraft({ ...draft, values })} />
    </div>
    <${ActionFields} legend="Rule action" name="ruleAction" value=${draft.action} groups=${groups} errors=${errors.action}
      onChange=${(action: ActionDraft) => setDraft({ ...draft, action })} />
    <${FormActions} submit="Add rule" busy=${busy} onCancel=${() => onDone(false)} />
  </form>`;
}

export function RulesPanel({ listenerArn, label, groups }: { listenerArn: string; label: string; groups: Xml[] }): VNode {
  const { data, error, reload, replace } = usePoll(async () => list(field(await call(ELB, 'DescribeRules', { ListenerArn: listenerArn }), 'Rules')), 0, [listenerArn]);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Xml | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const del = useSubmit();
  return html`<section class="panel" aria-labelledby="rules-heading">
    <div class="page-head">
      <h3 id="rules-heading">Rules of ${label}</h3>
      <button type="button" onClick=${() => {
        setNotice(undefined);
        setAdding(true);
      }}>Add rule</button>
    </div>
    ${notice ? html`<${SuccessAlert}>${notice}<//>` : null}
    <${ErrorAlert} error=${error} />
    <${ErrorAlert} error=${del.error} title="The rule was not deleted." />
    ${adding
      ? html`<${AddRule} listenerArn=${listenerArn} groups=${groups} onDone=${(added: boolean) => {
          setAdding(false);
          if (added) {
            setNotice('Rule added.');
            reload();
          }
        }} />`
      : null}
    ${deleting !== undefined
      ? html`<${ConfirmBar} question=${`Delete the rule with priority ${text(deleting, 'Priority')}?`} confirm="Delete rule" busy=${del.busy}
          onCancel=${() => setDeleting(undefined)}
          onConfirm=${async () => {
            const ok = await del.submit(async () => void (await call(ELB, 'DeleteRule', { RuleArn: text(deleting, 'RuleArn') })));
            setDeleting(undefined);
            if (ok) {
              setNotice(`Rule ${text(deleting, 'Priority')} deleted.`);
              replace((data ?? []).filter((r) => r !== deleting));
            }
          }} />`
      : null}
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : html`<table aria-label=${`Rules of ${label}`}>
          <thead><tr><th scope="col">Priority</th><th scope="col">Conditions (If)</th><th scope="col">Actions (Then)</th><th scope="col"><span class="visually-hidden">Delete</span></th></tr></thead>
          <tbody>${data.map((r) => {
            const isDefault = text(r, 'IsDefault') === 'true';
            return html`<tr>
              <td>${isDefault ? 'Default' : text(r, 'Priority')}</td>
              <td>${isDefault ? 'If no other rule applies' : list(field(r, 'Conditions')).map(conditionText).join(' and ')}</td>
              <td>${list(field(r, 'Actions')).map((a) => actionText(a, groups)).join('; ')}</td>
              <td>${isDefault ? null : html`<button type="button" class="link" aria-label=${`Delete rule ${text(r, 'Priority')}`} onClick=${() => setDeleting(r)}>Delete</button>`}</td>
            </tr>`;
          })}</tbody>
        </table>`}
  </section>`;
}
