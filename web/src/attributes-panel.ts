/**
 * The Attributes tab of a load balancer or a target group: the attributes in the console's words,
 * "Edit" opens the resource's own form, and what the API took is shown with "Attributes saved.".
 */
import type { FunctionComponent, VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { ErrorAlert, SuccessAlert, usePoll, useSubmit } from './ui.ts';

export type Attributes = Record<string, string>;
/** A type, not an interface: it goes into the API's parameters, which are index signatures. */
export type AttributeChange = { Key: string; Value: string };

/** The resource's Describe and Modify attributes actions and the parameter its ARN goes in. */
export interface AttributesApi {
  describe: string;
  modify: string;
  arnParameter: string;
}

/** A resource's edit form: it sends its changes with `save` (none: back to the tab) and shows `error` at its fields. */
export interface AttributesFormProps {
  attrs: Attributes;
  busy: boolean;
  error: unknown;
  save: (changes: AttributeChange[]) => void;
  cancel: () => void;
}

/** `{Key, Value}` members as a record. */
function attributeRecord(members: Xml | undefined): Attributes {
  const out: Attributes = {};
  for (const a of list(members)) out[text(a, 'Key')] = text(a, 'Value');
  return out;
}

export function AttributesPanel(props: {
  arn: string;
  api: AttributesApi;
  rows: (attrs: Attributes) => Array<[string, string]>;
  form: FunctionComponent<AttributesFormProps>;
}): VNode {
  const { arn, api } = props;
  const { data, error, replace } = usePoll(async () => attributeRecord(field(await call(ELB, api.describe, { [api.arnParameter]: arn }), 'Attributes')), 0, [arn]);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const change = useSubmit();
  const save = async (changes: AttributeChange[]): Promise<void> => {
    if (changes.length === 0) {
      setEditing(false);
      return;
    }
    let now: Attributes = {};
    const ok = await change.submit(async () => {
      now = attributeRecord(field(await call(ELB, api.modify, { [api.arnParameter]: arn, Attributes: changes }), 'Attributes'));
    });
    if (!ok) return;
    replace(now);
    setEditing(false);
    setSaved(true);
  };
  if (editing && data !== undefined) {
    return html`<${props.form} attrs=${data} busy=${change.busy} error=${change.error} save=${(c: AttributeChange[]) => void save(c)}
      cancel=${() => setEditing(false)} />`;
  }
  return html`<div>
    <${ErrorAlert} error=${error} />
    ${saved ? html`<${SuccessAlert}>Attributes saved.<//>` : null}
    <div class="page-head">
      <h2>Attributes</h2>
      <button type="button" disabled=${data === undefined} onClick=${() => {
        setSaved(false);
        change.setError(undefined);
        setEditing(true);
      }}>Edit</button>
    </div>
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : html`<dl class="summary" aria-label="Attributes">${props.rows(data).map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`}
  </div>`;
}
