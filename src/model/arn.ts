/**
 * ARNs in AWS's format. Region and account are configurable because ARNs are shown to users
 * and scripts may parse them; defaults are `local` and `000000000000`.
 */
export interface ArnContext {
  region: string;
  account: string;
}

export const defaultArnContext: ArnContext = { region: 'local', account: '000000000000' };

/** 16 lowercase hex characters, as in ALB's resource ids. */
export function resourceId(randomHex: (bytes: number) => string): string {
  return randomHex(8);
}

function prefix(ctx: ArnContext): string {
  return `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:`;
}

export function targetGroupArn(ctx: ArnContext, name: string, id: string): string {
  return `${prefix(ctx)}targetgroup/${name}/${id}`;
}

export function loadBalancerArn(ctx: ArnContext, name: string, id: string): string {
  return `${prefix(ctx)}loadbalancer/app/${name}/${id}`;
}

/** Listener ARNs embed their load balancer's name and id, as ALB's do. */
export function listenerArn(lbArn: string, id: string): string {
  return lbArn.replace(':loadbalancer/', ':listener/') + '/' + id;
}

export function ruleArn(listenerArnValue: string, id: string): string {
  return listenerArnValue.replace(':listener/', ':listener-rule/') + '/' + id;
}

const arnPattern = /^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:(targetgroup|loadbalancer|listener|listener-rule)\/.+$/;

/** The resource kind of an elasticloadbalancing ARN, or undefined when it is not one. */
export function arnKind(arn: string): 'targetgroup' | 'loadbalancer' | 'listener' | 'listener-rule' | undefined {
  const m = arnPattern.exec(arn);
  return m ? (m[1] as 'targetgroup' | 'loadbalancer' | 'listener' | 'listener-rule') : undefined;
}
