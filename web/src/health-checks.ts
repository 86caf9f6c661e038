/**
 * A target group's health check settings as the console edits them: in "Create target group"
 * (Health checks) and in the details' Health checks tab ("Edit", ModifyTargetGroup).
 */
import type { VNode } from 'preact';
import { field, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { RadioGroup, SelectField, TextField } from './ui.ts';

export interface HealthCheckForm {
  healthCheckProtocol: 'HTTP' | 'HTTPS';
  healthCheckPath: string;
  healthCheckPortMode: 'traffic-port' | 'override';
  healthCheckPort: string;
  healthyThreshold: string;
  unhealthyThreshold: string;
  timeout: string;
  interval: string;
  successCodes: string;
}

/** ALB's defaults. */
export const DEFAULT_HEALTH_CHECK: HealthCheckForm = {
  healthCheckProtocol: 'HTTP',
  healthCheckPath: '/',
  healthCheckPortMode: 'traffic-port',
  healthCheckPort: '',
  healthyThreshold: '5',
  unhealthyThreshold: '2',
  timeout: '5',
  interval: '30',
  successCodes: '200',
};

/** The API parameter behind each health check field. */
export const HEALTH_CHECK_PARAMETERS: Record<string, keyof HealthCheckForm> = {
  HealthCheckProtocol: 'healthCheckProtocol',
  HealthCheckPath: 'healthCheckPath',
  HealthCheckPort: 'healthCheckPort',
  HealthyThresholdCount: 'healthyThreshold',
  UnhealthyThresholdCount: 'unhealthyThreshold',
  HealthCheckTimeoutSeconds: 'timeout',
  HealthCheckIntervalSeconds: 'interval',
  Matcher: 'successCodes',
};

export function healthCheckOf(tg: Xml): HealthCheckForm {
  const port = text(tg, 'HealthCheckPort');
  return {
    healthCheckProtocol: text(tg, 'HealthCheckProtocol') === 'HTTPS' ? 'HTTPS' : 'HTTP',
    healthCheckPath: text(tg, 'HealthCheckPath'),
    healthCheckPortMode: port === 'traffic-port' ? 'traffic-port' : 'override',
    healthCheckPort: port === 'traffic-port' ? '' : port,
    healthyThreshold: text(tg, 'HealthyThresholdCount'),
    unhealthyThreshold: text(tg, 'UnhealthyThresholdCount'),
    timeout: text(tg, 'HealthCheckTimeoutSeconds'),
    interval: text(tg, 'HealthCheckIntervalSeconds'),
    successCodes: text(field(tg, 'Matcher'), 'HttpCode'),
  };
}

/** The parameters CreateTargetGroup and ModifyTargetGroup share; the API checks every value. */
export function healthCheckParams(f: HealthCheckForm): Record<string, string> {
  return {
    HealthCheckProtocol: f.healthCheckProtocol,
    HealthCheckPath: f.healthCheckPath.trim(),
    HealthCheckPort: f.healthCheckPortMode === 'traffic-port' ? 'traffic-port' : f.healthCheckPort.trim(),
    HealthyThresholdCount: f.healthyThreshold.trim(),
    UnhealthyThresholdCount: f.unhealthyThreshold.trim(),
    HealthCheckTimeoutSeconds: f.timeout.trim(),
    HealthCheckIntervalSeconds: f.interval.trim(),
    'Matcher.HttpCode': f.successCodes.trim(),
  };
}

const ADVANCED: Array<keyof HealthCheckForm> = ['healthCheckPort', 'healthyThreshold', 'unhealthyThreshold', 'timeout', 'interval', 'successCodes'];

/** Protocol and path, then the advanced settings (open when one of them has an error, or `open`). */
export function HealthCheckFields<F extends HealthCheckForm>(props: {
  form: F;
  setForm: (f: F) => void;
  errors: Partial<Record<keyof HealthCheckForm, string>>;
  open?: boolean;
}): VNode {
  const { form, setForm, errors } = props;
  const set = (key: keyof HealthCheckForm) => (v: string) => setForm({ ...form, [key]: v });
  return html`<div>
    <${SelectField} label="Health check protocol" value=${form.healthCheckProtocol} onChange=${set('healthCheckProtocol')}
      options=${[{ value: 'HTTP', label: 'HTTP' }, { value: 'HTTPS', label: 'HTTPS' }]} error=${errors.healthCheckProtocol} />
    <${TextField} label="Health check path" value=${form.healthCheckPath} onInput=${set('healthCheckPath')} error=${errors.healthCheckPath}
      hint="The path targets answer health checks on, e.g. /status." />
    <details open=${props.open || ADVANCED.some((k) => errors[k] !== undefined)}>
      <summary>Advanced health check settings</summary>
      <${RadioGroup} legend="Health check port" name="healthCheckPortMode" value=${form.healthCheckPortMode}
        onChange=${(v: HealthCheckForm['healthCheckPortMode']) => setForm({ ...form, healthCheckPortMode: v })}
        options=${[
          { value: 'traffic-port', label: 'Traffic port', description: "The target's own port." },
          { value: 'override', label: 'Override', description: 'Another port.' },
        ]} />
      ${form.healthCheckPortMode === 'override'
        ? html`<${TextField} label="Health check port override" value=${form.healthCheckPort} numeric hint="A port from 1 to 65535."
            onInput=${set('healthCheckPort')} error=${errors.healthCheckPort} />`
        : errors.healthCheckPort ? html`<p class="field-error">${errors.healthCheckPort}</p>` : null}
      <div class="row">
        <${TextField} label="Healthy threshold" hint="2–10 consecutive successes." value=${form.healthyThreshold} numeric onInput=${set('healthyThreshold')} error=${errors.healthyThreshold} />
        <${TextField} label="Unhealthy threshold" hint="2–10 consecutive failures." value=${form.unhealthyThreshold} numeric onInput=${set('unhealthyThreshold')} error=${errors.unhealthyThreshold} />
      </div>
      <div class="row">
        <${TextField} label="Timeout" hint="Seconds, 2–120." value=${form.timeout} numeric onInput=${set('timeout')} error=${errors.timeout} />
        <${TextField} label="Interval" hint="Seconds, 5–300." value=${form.interval} numeric onInput=${set('interval')} error=${errors.interval} />
      </div>
      <${TextField} label="Success codes" hint="e.g. 200, 200,202 or 200-299." value=${form.successCodes} onInput=${set('successCodes')} error=${errors.successCodes} />
    </details>
  </div>`;
}
