/**
 * A listener's or a rule's action as the console edits it: forward to a target group, redirect,
 * or a fixed response; and as it shows one.
 */
import type { VNode } from 'preact';
import { field, list, text, type Param, type Xml } from './api.ts';
import { html } from './html.ts';
import { RadioGroup, SelectField, TextField } from './ui.ts';

type ActionType = 'forward' | 'redirect' | 'fixed-response';

export interface ActionDraft {
  type: ActionType;
  targetGroupArn: string;
  redirectProtocol: string;
  redirectPort: string;
  redirectHost: string;
  redirectPath: string;
  redirectQuery: string;
  redirectStatus: 'HTTP_301' | 'HTTP_302';
  fixedStatus: string;
  fixedContentType: string;
  fixedBody: string;
}

/** ALB's console defaults: forward; a redirect keeps everything but what is changed. */
export const DEFAULT_ACTION: ActionDraft = {
  type: 'forward',
  targetGroupArn: '',
  redirectProtocol: 'HTTPS',
  redirectPort: '443',
  redirectHost: '#{host}',
  redirectPath: '/#{path}',
  redirectQuery: '#{query}',
  redirectStatus: 'HTTP_301',
  fixedStatus: '200',
  fixedContentType: 'text/plain',
  fixedBody: '',
};

export type ActionErrors = Partial<Record<keyof ActionDraft, string>>;

/** The action as the API's `Actions.member.N` structure; the API checks every value. */
export function actionParam(a: ActionDraft): { [name: string]: Param } {
  if (a.type === 'redirect') {
    return {
      Type: 'redirect',
      RedirectConfig: {
        Protocol: a.redirectProtocol,
        Port: a.redirectPort.trim(),
        Host: a.redirectHost.trim(),
        Path: a.redirectPath.trim(),
        Query: a.redirectQuery,
        StatusCode: a.redirectStatus,
      },
    };
  }
  if (a.type === 'fixed-response') {
    return {
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: a.fixedStatus.trim(), ContentType: a.fixedContentType, MessageBody: a.fixedBody === '' ? undefined : a.fixedBody },
    };
  }
  return { Type: 'forward', TargetGroupArn: a.targetGroupArn === '' ? undefined : a.targetGroupArn };
}

/** The field an API problem path (`DefaultActions.member.1.RedirectConfig.Port`, `...redirectConfig.port`) is about. */
export function actionFieldOf(param: string | undefined, code: string): keyof ActionDraft | undefined {
  const p = (param ?? '').toLowerCase();
  if (code === 'TargetGroupNotFound' || /targetgroup|forwardconfig/.test(p)) return 'targetGroupArn';
  const m = /(redirectconfig|fixedresponseconfig)\.(\w+)/.exec(p);
  if (m) {
    const key = `${m[1] === 'redirectconfig' ? 'redirect' : 'fixed'}${m[2]}`;
    const fields: Record<string, keyof ActionDraft> = {
      redirectprotocol: 'redirectProtocol', redirectport: 'redirectPort', redirecthost: 'redirectHost', redirectpath: 'redirectPath',
      redirectquery: 'redirectQuery', redirectstatuscode: 'redirectStatus', fixedstatuscode: 'fixedStatus',
      fixedcontenttype: 'fixedContentType', fixedmessagebody: 'fixedBody',
    };
    return fields[key];
  }
  return /actions/.test(p) ? 'type' : undefined;
}

const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

/** The action's fields; `legend` names the group ("Default action"). */
export function ActionFields(props: { legend: string; name: string; value: ActionDraft; onChange: (a: ActionDraft) => void; groups: Xml[]; errors: ActionErrors }): VNode {
  const { value: a, onChange, errors } = props;
  const set = (key: keyof ActionDraft) => (v: string) => onChange({ ...a, [key]: v });
  return html`<div class="action-fields">
    <${RadioGroup} legend=${props.legend} name=${props.name} value=${a.type} onChange=${(v: ActionType) => onChange({ ...a, type: v })}
      options=${[
        { value: 'forward', label: 'Forward to target groups' },
        { value: 'redirect', label: 'Redirect to URL' },
        { value: 'fixed-response', label: 'Return fixed response' },
      ]} />
    ${errors.type ? html`<p class="field-error">${errors.type}</p>` : null}
    ${a.type === 'forward'
      ? html`<${SelectField} label="Target group" value=${a.targetGroupArn} onChange=${set('targetGroupArn')} error=${errors.targetGroupArn}
          options=${[{ value: '', label: 'Select a target group' }, ...props.groups.map((g) => ({ value: text(g, 'TargetGroupArn'), label: text(g, 'TargetGroupName') }))]} />`
      : a.type === 'redirect'
        ? html`<div class="row">
            <${SelectField} label="Redirect protocol" value=${a.redirectProtocol} onChange=${set('redirectProtocol')} error=${errors.redirectProtocol}
              options=${[{ value: 'HTTPS', label: 'HTTPS' }, { value: 'HTTP', label: 'HTTP' }, { value: '#{protocol}', label: 'Original protocol' }]} />
            <${TextField} label="Redirect port" value=${a.redirectPort} onInput=${set('redirectPort')} error=${errors.redirectPort} hint="1–65535 or #{port}." />
            <${TextField} label="Redirect host" value=${a.redirectHost} onInput=${set('redirectHost')} error=${errors.redirectHost} />
            <${TextField} label="Redirect path" value=${a.redirectPath} onInput=${set('redirectPath')} error=${errors.redirectPath} />
            <${TextField} label="Redirect query" value=${a.redirectQuery} onInput=${set('redirectQuery')} error=${errors.redirectQuery} />
            <${SelectField} label="Status code" value=${a.redirectStatus} onChange=${set('redirectStatus')} error=${errors.redirectStatus}
              options=${[{ value: 'HTTP_301', label: '301 - Permanently moved' }, { value: 'HTTP_302', label: '302 - Found' }]} />
          </div>`
        : html`<div class="row">
            <${TextField} label="Response code" value=${a.fixedStatus} numeric onInput=${set('fixedStatus')} error=${errors.fixedStatus} hint="2XX, 4XX or 5XX." />
            <${SelectField} label="Content type" value=${a.fixedContentType} onChange=${set('fixedContentType')} error=${errors.fixedContentType}
              options=${CONTENT_TYPES.map((c) => ({ value: c, label: c }))} />
            <${TextField} label="Response body" value=${a.fixedBody} onInput=${set('fixedBody')} error=${errors.fixedBody} hint="Optional, up to 1024 bytes." />
          </div>`}
  </div>`;
}

/** An action in words: "Forward to tutorial-tg", "Redirect to HTTPS://#{host}:443/#{path}?#{query} (301)". */
export function actionText(a: Xml, groups: Xml[]): string {
  const type = text(a, 'Type');
  if (type === 'forward') {
    const arns = [text(a, 'TargetGroupArn'), ...list(field(field(a, 'ForwardConfig'), 'TargetGroups')).map((t) => text(t, 'TargetGroupArn'))].filter(Boolean);
    const names = [...new Set(arns)].map((arn) => text(groups.find((g) => text(g, 'TargetGroupArn') === arn), 'TargetGroupName') || arn);
    return `Forward to ${names.join(', ')}`;
  }
  if (type === 'fixed-response') {
    const f = field(a, 'FixedResponseConfig');
    return `Return fixed response ${text(f, 'StatusCode')}${text(f, 'MessageBody') ? ` "${text(f, 'MessageBody')}"` : ''}`;
  }
  if (type === 'redirect') {
    const r = field(a, 'RedirectConfig');
    const query = text(r, 'Query');
    return `Redirect to ${text(r, 'Protocol')}://${text(r, 'Host')}:${text(r, 'Port')}${text(r, 'Path')}${query ? `?${query}` : ''} (${text(r, 'StatusCode').replace('HTTP_', '')})`;
  }
  return type;
}
