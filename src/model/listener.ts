/** Listeners: a protocol and port on a load balancer, with default actions (spec §5). */
import type { Problems } from './errors.ts';
import { checkOneOf, checkPort } from './names.ts';
import { checkActions, type Action, type ActionInput } from './action.ts';

export type ListenerProtocol = 'HTTP' | 'HTTPS';

export interface ListenerCertificate {
  certificateArn: string;
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  protocol: ListenerProtocol;
  port: number;
  defaultActions: Action[];
  sslPolicy?: string;
  certificates: ListenerCertificate[];
}

export interface ListenerInput {
  protocol?: string;
  port?: number;
  defaultActions?: ActionInput[];
  sslPolicy?: string;
  certificates?: ListenerCertificate[];
}

export const listenerProtocols = ['HTTP', 'HTTPS'] as const;

export function checkListenerInput(
  input: ListenerInput,
  problems: Problems,
  path: string,
  targetGroupExists: (arn: string) => boolean,
): void {
  if (input.protocol !== undefined) checkOneOf(input.protocol, listenerProtocols, 'protocol', problems, `${path}.protocol`);
  if (input.port === undefined) problems.add(`${path}.port`, 'port is required');
  else checkPort(input.port, problems, `${path}.port`);
  if (input.protocol === 'HTTPS' && (!input.certificates || input.certificates.length === 0)) {
    problems.add(`${path}.certificates`, 'a certificate must be specified for HTTPS listeners', 'ValidationError');
  }
  checkActions(input.defaultActions, problems, `${path}.defaultActions`, targetGroupExists);
}
