/**
 * Listeners: the fields of a listener ("Protocol : port", default action, and for HTTPS
 * "Security policy" and "Default SSL certificate" from the store or imported on the spot), used
 * by "Create load balancer" and "Add listener"; and a load balancer's Listeners tab (add, delete,
 * rules per listener).
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, ApiError, call, field, list, text, type Param, type Xml } from './api.ts';
import { ActionFields, DEFAULT_ACTION, actionFieldOf, actionParam, actionText, type ActionDraft, type ActionErrors } from './actions.ts';
import { CertificateFields, EMPTY_CERTIFICATE, certificateErrors, listCertificates, uploadCertificate, type CertificateDraft, type CertificateErrors } from './certificates.ts';
import { html } from './html.ts';
import { RulesPanel } from './rules.ts';
import { describeTargetGroups } from './target-groups.ts';
import { ConfirmBar, ErrorAlert, FormActions, RadioGroup, SelectField, SuccessAlert, TextField, problemLines, usePoll, useSubmit } from './ui.ts';


/** The AWS console's recommended policy, preselected for new HTTPS listeners. */
const RECOMMENDED_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export interface ListenerDraft {
  protocol: 'HTTP' | 'HTTPS';
  port: string;
  action: ActionDraft;
  sslPolicy: string;
  certificateSource: 'iam' | 'import';
  certificateArn: string;
  certificate: CertificateDraft;
}

export const DEFAULT_LISTENER: ListenerDraft = {
  protocol: 'HTTP',
  port: '80',
  action: DEFAULT_ACTION,
  sslPolicy: RECOMMENDED_SSL_POLICY,
  certificateSource: 'iam',
  certificateArn: '',
  certificate: EMPTY_CERTIFICATE,
};

interface ListenerErrors {
  protocol?: string;
  port?: string;
  sslPolicy?: string;
  certificateArn?: string;
  action: ActionErrors;
  certificate: CertificateErrors;
}

/** Importing the listener's certificate failed (its messages belong to the certificate's fields). */
class CertificateImportError extends ApiError {
  readonly upload: ApiError;
  constructor(upload: ApiError) {
    super(upload.code, `The certificate was not imported: ${upload.message}`, upload.status);
    this.upload = upload;
  }
}

export function listenerErrors(err: unknown): ListenerErrors {
  const out: ListenerErrors = { action: {}, certificate: {} };
  if (err instanceof CertificateImportError) return { ...out, certificate: certificateErrors(err.upload) };
  if (!(err instanceof ApiError)) return out;
  for (const { param, message } of problemLines(err)) {
    const p = param ?? '';
    if (p === 'Port' || (p === '' && err.code === 'DuplicateListener')) out.port ??= message;
    else if (p === 'Protocol') out.protocol ??= message;
    else if (p === 'SslPolicy' || err.code === 'SSLPolicyNotFound') out.sslPolicy ??= message;
    else if (p.startsWith('Certificates') || err.code === 'CertificateNotFound') out.certificateArn ??= message;
    else {
      const a = actionFieldOf(p, err.code);
      if (a !== undefined) out.action[a] ??= message;
    }
  }
  return out;
}

/** What the listener fields need from the API: target groups, SSL policies, stored certificates. */
interface ListenerChoices {
  groups: Xml[];
  policies: string[];
  certificates: Xml[];
}

export function useListenerChoices(): { data: ListenerChoices | undefined; error: unknown; reload: () => void } {
  return usePoll(async () => {
    const [groups, policies, certificates] = await Promise.all([
      describeTargetGroups(),
      call(ELB, 'DescribeSSLPolicies', { LoadBalancerType: 'application' }).then((r) => list(field(r, 'SslPolicies')).map((p) => text(p, 'Name'))),
      listCertificates(),
    ]);
    return { groups, policies, certificates };
  }, 0);
}

export function ListenerFields(props: { value: ListenerDraft; onChange: (l: ListenerDraft) => void; choices: ListenerChoices; errors: ListenerErrors }): VNode {
  const { value: l, onChange, choices, errors } = props;
  const setProtocol = (protocol: ListenerDraft['protocol']): void => {
    // The port follows the protocol while it is still the other protocol's default.
    const port = l.port === (protocol === 'HTTPS' ? '80' : '443') ? (protocol === 'HTTPS' ? '443' : '80') : l.port;
    onChange({ ...l, protocol, port });
  };
  const now = Date.now();
  return html`<div class="listener-fields">
    <div class="row">
      <${SelectField} label="Protocol" value=${l.protocol} onChange=${setProtocol} error=${errors.protocol}
        options=${[{ value: 'HTTP', label: 'HTTP' }, { value: 'HTTPS', label: 'HTTPS' }]} />
      <${TextField} label="Port" value=${l.port} numeric hint="1–65535; unique on this node." onInput=${(port: string) => onChange({ ...l, port })} error=${errors.port} />
    </div>
    <${ActionFields} legend="Default action" name="defaultAction" value=${l.action} groups=${choices.groups} errors=${errors.action}
      onChange=${(action: ActionDraft) => onChange({ ...l, action })} />
    ${l.protocol === 'HTTPS'
      ? html`<section class="subpanel" aria-labelledby="secure-listener-settings">
          <h3 id="secure-listener-settings">Secure listener settings</h3>
          <${SelectField} label="Security policy" value=${l.sslPolicy} error=${errors.sslPolicy} onChange=${(sslPolicy: string) => onChange({ ...l, sslPolicy })}
            options=${(choices.policies.length > 0 ? choices.policies : [RECOMMENDED_SSL_POLICY]).map((p) => ({ value: p, label: p === RECOMMENDED_SSL_POLICY ? `${p} (recommended)` : p }))} />
          <${RadioGroup} legend="Default SSL certificate" name="certificateSource" value=${l.certificateSource}
            onChange=${(certificateSource: ListenerDraft['certificateSource']) => onChange({ ...l, certificateSource })}
            options=${[
              { value: 'iam', label: 'From IAM', description: 'A certificate in the certificate store.' },
              { value: 'import', label: 'Import certificate', description: 'Paste or choose the certificate and its private key now.' },
            ]} />
          ${l.certificateSource === 'iam'
            ? html`<${SelectField} label="Certificate" value=${l.certificateArn} error=${errors.certificateArn}
                onChange=${(certificateArn: string) => onChange({ ...l, certificateArn })}
                options=${[
                  { value: '', label: choices.certificates.length === 0 ? 'No certificates: import one' : 'Select a certificate' },
                  ...choices.certificates.map((c) => ({
                    value: text(c, 'Arn'),
                    label: `${text(c, 'ServerCertificateName')} (expires ${text(c, 'Expiration').slice(0, 10)}${Date.parse(text(c, 'Expiration')) <= now ? ', expired' : ''})`,
                  })),
                ]} />`
            : html`<${CertificateFields} value=${l.certificate} errors=${errors.certificate}
                onChange=${(certificate: CertificateDraft) => onChange({ ...l, certificate })} />`}
        </section>`
      : null}
  </div>`;
}

/**
 * Creates the listener; an imported certificate is uploaded first and deleted again if the
 * listener is refused, so nothing is left half-made.
 */
export async function createListener(loadBalancerArn: string, l: ListenerDraft): Promise<void> {
  const https = l.protocol === 'HTTPS';
  let certificateArn = l.certificateArn;
  let imported: string | undefined;
  if (https && l.certificateSource === 'import') {
    try {
      certificateArn = await uploadCertificate(l.certificate);
      imported = l.certificate.name.trim();
    } catch (err) {
      throw err instanceof ApiError ? new CertificateImportError(err) : err;
    }
  }
  const params: { [name: string]: Param } = {
    LoadBalancerArn: loadBalancerArn,
    Protocol: l.protocol,
    Port: l.port.trim(),
    DefaultActions: [actionParam(l.action)],
  };
  if (https) {
    params.SslPolicy = l.sslPolicy;
    if (certificateArn !== '') params.Certificates = [{ CertificateArn: certificateArn }];
  }
  try {
    await call(ELB, 'CreateListener', params);
  } catch (err) {
    if (imported !== undefined) await call('iam', 'DeleteServerCertificate', { ServerCertificateName: imported }).catch(() => undefined);
    throw err;
  }
}

function AddListener({ loadBalancerArn, onDone }: { loadBalancerArn: string; onDone: (created: string | undefined) => void }): VNode {
  const choices = useListenerChoices();
  const [draft, setDraft] = useState<ListenerDraft>(DEFAULT_LISTENER);
  const { busy, error, submit } = useSubmit();
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await submit(() => createListener(loadBalancerArn, draft))) onDone(`${draft.protocol}:${draft.port.trim()}`);
  };
  return html`<form class="panel" onSubmit=${save} aria-labelledby="add-listener">
    <h2 id="add-listener">Add listener</h2>
    <${ErrorAlert} error=${choices.error} />
    <${ErrorAlert} error=${error} title="The listener was not added." />
    ${choices.data === undefined
      ? html`<p class="loading">Loading…</p>`
      : html`<${ListenerFields} value=${draft} onChange=${setDraft} choices=${choices.data} errors=${listenerErrors(error)} />`}
    <${FormActions} submit="Save" busy=${busy || choices.data === undefined} onCancel=${() => onDone(undefined)} />
  </form>`;
}

function certificateName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export function ListenersTab({ loadBalancerArn }: { loadBalancerArn: string }): VNode {
  const listeners = usePoll(async () => list(field(await call(ELB, 'DescribeListeners', { LoadBalancerArn: loadBalancerArn }), 'Listeners')), 5000, [loadBalancerArn]);
  const groups = usePoll(describeTargetGroups, 0);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [rulesOf, setRulesOf] = useState<string | undefined>(undefined);
  const del = useSubmit();
  const data = listeners.data;
  const label = (l: Xml | undefined): string => `${text(l, 'Protocol')}:${text(l, 'Port')}`;
  const selectedListener = data?.find((l) => text(l, 'ListenerArn') === selected);
  const rulesListener = data?.find((l) => text(l, 'ListenerArn') === rulesOf);
  return html`<div>
    ${notice ? html`<${SuccessAlert}>${notice}<//>` : null}
    <${ErrorAlert} error=${listeners.error} />
    <${ErrorAlert} error=${del.error} title="The listener was not deleted." />
    <div class="page-head">
      <h2>Listeners and rules <span class="count">(${data?.length ?? 0})</span></h2>
      <div class="actions-inline">
        <button type="button" disabled=${selectedListener === undefined} onClick=${() => setConfirming(true)}>Delete</button>
        <button type="button" class="primary" onClick=${() => {
          setNotice(undefined);
          setAdding(true);
        }}>Add listener</button>
      </div>
    </div>
    ${confirming && selectedListener !== undefined
      ? html`<${ConfirmBar} question=${`Delete listener ${label(selectedListener)}?`} confirm="Delete" busy=${del.busy}
          onCancel=${() => setConfirming(false)}
          onConfirm=${async () => {
            const ok = await del.submit(async () => void (await call(ELB, 'DeleteListener', { ListenerArn: selected })));
            setConfirming(false);
            if (ok) {
              setNotice(`Listener ${label(selectedListener)} deleted.`);
              if (rulesOf === selected) setRulesOf(undefined);
              setSelected(undefined);
              listeners.replace((data ?? []).filter((l) => text(l, 'ListenerArn') !== selected));
            }
          }} />`
      : null}
    ${adding
      ? html`<${AddListener} loadBalancerArn=${loadBalancerArn} onDone=${(created: string | undefined) => {
          setAdding(false);
          if (created !== undefined) {
            setNotice(`Listener ${created} added.`);
            listeners.reload();
            groups.reload();
          }
        }} />`
      : null}
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : data.length === 0
        ? html`<p class="empty">No listeners. Choose <strong>Add listener</strong> to add one.</p>`
        : html`<table aria-label="Listeners">
            <thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Protocol:Port</th><th scope="col">Default action</th>
              <th scope="col">Security policy</th><th scope="col">Default SSL certificate</th><th scope="col">Rules</th></tr></thead>
            <tbody>${data.map((l) => {
              const arn = text(l, 'ListenerArn');
              const cert = text(list(field(l, 'Certificates'))[0], 'CertificateArn');
              return html`<tr>
                <td><input type="radio" name="selectedListener" aria-label=${`Select ${label(l)}`} checked=${selected === arn} onChange=${() => setSelected(arn)} /></td>
                <td>${label(l)}</td>
                <td>${list(field(l, 'DefaultActions')).map((a) => actionText(a, groups.data ?? [])).join('; ')}</td>
                <td>${text(l, 'SslPolicy') || '—'}</td>
                <td>${cert ? certificateName(cert) : '—'}</td>
                <td><button type="button" class="link" aria-label=${`View rules of ${label(l)}`} aria-expanded=${rulesOf === arn ? 'true' : 'false'}
                  onClick=${() => setRulesOf(rulesOf === arn ? undefined : arn)}>${rulesOf === arn ? 'Hide rules' : 'View rules'}</button></td>
              </tr>`;
            })}</tbody>
          </table>`}
    ${rulesListener !== undefined ? html`<${RulesPanel} listenerArn=${text(rulesListener, 'ListenerArn')} label=${label(rulesListener)} groups=${groups.data ?? []} />` : null}
  </div>`;
}
