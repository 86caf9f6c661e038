/**
 * The certificate store (IAM server certificates): the Certificates page (import, list with
 * domains, expiry and use, delete) and the import fields the Add listener form reuses.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ELB, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { ConfirmBar, ErrorAlert, FormActions, PemField, SuccessAlert, TextField, fieldErrors, usePoll, useSubmit } from './ui.ts';
import { certificateDomains } from './x509.ts';


export async function listCertificates(): Promise<Xml[]> {
  return list(field(await call('iam', 'ListServerCertificates'), 'ServerCertificateMetadataList'));
}

export interface CertificateDraft {
  name: string;
  body: string;
  key: string;
  chain: string;
}

export const EMPTY_CERTIFICATE: CertificateDraft = { name: '', body: '', key: '', chain: '' };

export type CertificateErrors = Partial<Record<keyof CertificateDraft, string>>;

/** Which field an IAM error is about: it names the parameter, or says what it could not use. */
export function certificateErrors(err: unknown): CertificateErrors {
  return fieldErrors(err, (param, code, message) => {
    const p = (param ?? '').toLowerCase();
    if (p === 'servercertificatename' || code === 'EntityAlreadyExists') return 'name';
    if (p === 'privatekey' || code === 'KeyPairMismatch' || /private key/i.test(message)) return 'key';
    if (p === 'certificatechain' || /\bchain\b/i.test(message)) return 'chain';
    if (p === 'certificatebody' || code === 'MalformedCertificate') return 'body';
    return undefined;
  });
}

/** UploadServerCertificate; resolves to the new certificate's ARN. */
export async function uploadCertificate(c: CertificateDraft): Promise<string> {
  const result = await call('iam', 'UploadServerCertificate', {
    ServerCertificateName: c.name.trim(),
    CertificateBody: c.body,
    PrivateKey: c.key,
    CertificateChain: c.chain.trim() === '' ? undefined : c.chain,
  });
  return text(field(result, 'ServerCertificateMetadata'), 'Arn');
}

export function CertificateFields({ value, onChange, errors }: { value: CertificateDraft; onChange: (c: CertificateDraft) => void; errors: CertificateErrors }): VNode {
  const set = (key: keyof CertificateDraft) => (v: string) => onChange({ ...value, [key]: v });
  return html`<div class="certificate-fields">
    <${TextField} label="Certificate name" value=${value.name} onInput=${set('name')} error=${errors.name}
      hint="Letters, digits and + = , . @ _ -; up to 128 characters." />
    <${PemField} label="Certificate body" value=${value.body} onInput=${set('body')} error=${errors.body}
      hint="PEM: -----BEGIN CERTIFICATE----- … (certificate.crt)." />
    <${PemField} label="Certificate private key" value=${value.key} onInput=${set('key')} error=${errors.key}
      hint="PEM, without a passphrase (private.pem). It is sealed at rest and never shown again." />
    <${PemField} label="Certificate chain" value=${value.chain} onInput=${set('chain')} error=${errors.chain}
      hint="Optional: the intermediate certificates, PEM." />
  </div>`;
}

function ImportCertificate({ onDone }: { onDone: (name: string | undefined) => void }): VNode {
  const [draft, setDraft] = useState<CertificateDraft>(EMPTY_CERTIFICATE);
  const { busy, error, submit } = useSubmit();
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await submit(async () => void (await uploadCertificate(draft)))) onDone(draft.name.trim());
  };
  return html`<form class="panel" onSubmit=${save} aria-labelledby="import-certificate">
    <h2 id="import-certificate">Import certificate</h2>
    <${ErrorAlert} error=${error} title="The certificate was not imported." />
    <${CertificateFields} value=${draft} onChange=${setDraft} errors=${certificateErrors(error)} />
    <${FormActions} submit="Import" busy=${busy} onCancel=${() => onDone(undefined)} />
  </form>`;
}

interface CertificateRow {
  meta: Xml;
  domains: string[];
  usedBy: string[];
}

/** Every HTTPS listener's certificates (default and SNI), as "load balancer HTTPS:port" per certificate ARN. */
async function certificateUse(): Promise<Map<string, string[]>> {
  const use = new Map<string, string[]>();
  for (const lb of list(field(await call(ELB, 'DescribeLoadBalancers'), 'LoadBalancers'))) {
    const listeners = list(field(await call(ELB, 'DescribeListeners', { LoadBalancerArn: text(lb, 'LoadBalancerArn') }), 'Listeners'));
    for (const l of listeners.filter((x) => text(x, 'Protocol') === 'HTTPS')) {
      const certs = list(field(await call(ELB, 'DescribeListenerCertificates', { ListenerArn: text(l, 'ListenerArn') }), 'Certificates'));
      for (const c of certs) {
        const arn = text(c, 'CertificateArn');
        use.set(arn, [...(use.get(arn) ?? []), `${text(lb, 'LoadBalancerName')} HTTPS:${text(l, 'Port')}`]);
      }
    }
  }
  return use;
}

async function loadCertificates(): Promise<CertificateRow[]> {
  const [metas, use] = await Promise.all([listCertificates(), certificateUse()]);
  return Promise.all(
    metas.map(async (meta) => {
      const cert = field(await call('iam', 'GetServerCertificate', { ServerCertificateName: text(meta, 'ServerCertificateName') }), 'ServerCertificate');
      return { meta, domains: certificateDomains(text(cert, 'CertificateBody')), usedBy: use.get(text(meta, 'Arn')) ?? [] };
    }),
  );
}

const day = (iso: string): string => iso.slice(0, 10);

export function CertificatesPage(): VNode {
  const { data, error, reload, replace } = usePoll(loadCertificates, 0);
  const [importing, setImporting] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const del = useSubmit();
  const now = Date.now();
  return html`<section>
    <div class="page-head">
      <h1>Certificates</h1>
      <div class="actions-inline">
        <button type="button" disabled=${selected === undefined} onClick=${() => setConfirming(true)}>Delete</button>
        <button class="primary" type="button" onClick=${() => {
          setNotice(undefined);
          setImporting(true);
        }}>Import certificate</button>
      </div>
    </div>
    <p class="hint">Server certificates for HTTPS listeners (the API's IAM certificate store). Private keys are sealed with the master key.</p>
    ${notice ? html`<${SuccessAlert}>${notice}<//>` : null}
    <${ErrorAlert} error=${error} />
    <${ErrorAlert} error=${del.error} title="The certificate was not deleted." />
    ${importing
      ? html`<${ImportCertificate} onDone=${(name: string | undefined) => {
          setImporting(false);
          if (name !== undefined) {
            setNotice(`Certificate ${name} imported.`);
            reload();
          }
        }} />`
      : null}
    ${confirming && selected !== undefined
      ? html`<${ConfirmBar} question=${`Delete certificate ${selected}?`} confirm="Delete" busy=${del.busy}
          onCancel=${() => setConfirming(false)}
          onConfirm=${async () => {
            const ok = await del.submit(async () => void (await call('iam', 'DeleteServerCertificate', { ServerCertificateName: selected })));
            setConfirming(false);
            if (ok) {
              setNotice(`Certificate ${selected} deleted.`);
              setSelected(undefined);
              replace((data ?? []).filter((c) => text(c.meta, 'ServerCertificateName') !== selected));
            }
          }} />`
      : null}
    ${data === undefined
      ? html`<p class="loading">Loading…</p>`
      : data.length === 0
        ? html`<p class="empty">No certificates. Choose <strong>Import certificate</strong> to add one.</p>`
        : html`<table aria-label="Certificates">
            <thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Name</th><th scope="col">Domain</th>
              <th scope="col">Expires</th><th scope="col">In use by</th><th scope="col">Uploaded</th></tr></thead>
            <tbody>${data.map(({ meta, domains, usedBy }) => {
              const name = text(meta, 'ServerCertificateName');
              const expires = text(meta, 'Expiration');
              const expired = Date.parse(expires) <= now;
              return html`<tr>
                <td><input type="radio" name="selectedCertificate" aria-label=${`Select ${name}`} checked=${selected === name} onChange=${() => setSelected(name)} /></td>
                <td>${name}<br /><code class="small">${text(meta, 'Arn')}</code></td>
                <td>${domains.join(', ') || '—'}</td>
                <td>${day(expires)} ${expired ? html`<span class="badge badge-unhealthy">Expired</span>` : null}</td>
                <td>${usedBy.length === 0 ? 'Not in use' : usedBy.join(', ')}</td>
                <td>${day(text(meta, 'UploadDate'))}</td>
              </tr>`;
            })}</tbody>
          </table>`}
  </section>`;
}
