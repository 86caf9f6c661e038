/** Listener and rule actions: forward (one or weighted groups), redirect, fixed-response (spec §5). */
import type { Problems } from './errors.ts';
import { checkIntRange } from './names.ts';

export interface WeightedTargetGroup {
  targetGroupArn: string;
  weight: number;
}

export interface ForwardAction {
  type: 'forward';
  order?: number;
  /** Set for a single-group forward, as ALB echoes it back. */
  targetGroupArn?: string;
  forwardConfig: {
    targetGroups: WeightedTargetGroup[];
    targetGroupStickinessConfig: { enabled: boolean; durationSeconds?: number };
  };
}

export interface RedirectConfig {
  protocol: string;
  port: string;
  host: string;
  path: string;
  query: string;
  statusCode: 'HTTP_301' | 'HTTP_302';
}

export interface RedirectAction {
  type: 'redirect';
  order?: number;
  redirectConfig: RedirectConfig;
}

export interface FixedResponseAction {
  type: 'fixed-response';
  order?: number;
  fixedResponseConfig: { statusCode: string; contentType?: string; messageBody?: string };
}

export type Action = ForwardAction | RedirectAction | FixedResponseAction;

/** Action as users write it; forward may name one group or weighted groups. */
export interface ActionInput {
  type: string;
  order?: number;
  targetGroupArn?: string;
  forwardConfig?: {
    targetGroups?: Array<{ targetGroupArn: string; weight?: number }>;
    targetGroupStickinessConfig?: { enabled?: boolean; durationSeconds?: number };
  };
  redirectConfig?: Partial<RedirectConfig>;
  fixedResponseConfig?: { statusCode?: string; contentType?: string; messageBody?: string };
}

const contentTypes = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

/**
 * Checks actions; `targetGroupExists` resolves references so a forward to a missing group is
 * reported where it is written.
 */
export function checkActions(
  actions: ActionInput[] | undefined,
  problems: Problems,
  path: string,
  targetGroupExists: (arn: string) => boolean,
): void {
  if (!Array.isArray(actions) || actions.length === 0) {
    problems.add(path, 'at least one action is required');
    return;
  }
  const terminal = actions.filter((a) => ['forward', 'redirect', 'fixed-response'].includes(a.type));
  if (terminal.length > 1) problems.add(path, 'only one forward, redirect or fixed-response action is allowed');
  actions.forEach((a, i) => checkAction(a, problems, `${path}[${i}]`, targetGroupExists));
}

function checkAction(a: ActionInput, problems: Problems, path: string, targetGroupExists: (arn: string) => boolean): void {
  if (a.order !== undefined) checkIntRange(a.order, 1, 50000, 'order', problems, `${path}.order`);
  switch (a.type) {
    case 'forward': {
      const groups = a.forwardConfig?.targetGroups ?? (a.targetGroupArn ? [{ targetGroupArn: a.targetGroupArn }] : []);
      if (groups.length === 0) problems.add(path, 'a forward action needs a target group');
      if (groups.length > 5) problems.add(`${path}.forwardConfig.targetGroups`, 'a forward action can have at most 5 target groups');
      if (a.targetGroupArn && a.forwardConfig?.targetGroups && a.forwardConfig.targetGroups.length > 1) {
        problems.add(path, 'give either targetGroupArn or forwardConfig with several target groups, not both');
      }
      groups.forEach((g, i) => {
        const p = a.forwardConfig?.targetGroups ? `${path}.forwardConfig.targetGroups[${i}]` : `${path}.targetGroupArn`;
        if (!targetGroupExists(g.targetGroupArn)) problems.add(p, `target group '${g.targetGroupArn}' not found`, 'TargetGroupNotFound');
        if (g.weight !== undefined) checkIntRange(g.weight, 0, 999, 'weight', problems, `${p}.weight`);
      });
      const stick = a.forwardConfig?.targetGroupStickinessConfig;
      const stickPath = `${path}.forwardConfig.targetGroupStickinessConfig.durationSeconds`;
      if (stick?.durationSeconds !== undefined) {
        checkIntRange(stick.durationSeconds, 1, 604800, 'durationSeconds', problems, stickPath);
      } else if (stick?.enabled === true) {
        // ALB: "You must specify this value when enabling target group stickiness."
        problems.add(stickPath, 'durationSeconds is required when target group stickiness is enabled (1 to 604800)');
      }
      break;
    }
    case 'redirect': {
      const r = a.redirectConfig;
      if (!r) {
        problems.add(path, 'a redirect action needs redirectConfig');
        break;
      }
      if (r.statusCode !== 'HTTP_301' && r.statusCode !== 'HTTP_302') {
        problems.add(`${path}.redirectConfig.statusCode`, `statusCode must be HTTP_301 or HTTP_302, got ${JSON.stringify(r.statusCode)}`);
      }
      if (r.protocol !== undefined && !['HTTP', 'HTTPS', '#{protocol}'].includes(r.protocol)) {
        problems.add(`${path}.redirectConfig.protocol`, `protocol must be HTTP, HTTPS or #{protocol}`);
      }
      if (r.port !== undefined && r.port !== '#{port}') {
        const n = Number(r.port);
        if (!Number.isInteger(n) || n < 1 || n > 65535) problems.add(`${path}.redirectConfig.port`, 'port must be 1-65535 or #{port}');
      }
      if (r.path !== undefined && !r.path.startsWith('/')) problems.add(`${path}.redirectConfig.path`, "path must start with '/'");
      if (r.query !== undefined && r.query.startsWith('?')) problems.add(`${path}.redirectConfig.query`, "query must not start with '?'");
      break;
    }
    case 'fixed-response': {
      const f = a.fixedResponseConfig;
      if (!f || !/^[245]\d\d$/.test(f.statusCode ?? '')) {
        problems.add(`${path}.fixedResponseConfig.statusCode`, 'statusCode must be a 2XX, 4XX or 5XX code');
        break;
      }
      if (f.contentType !== undefined && !contentTypes.includes(f.contentType)) {
        problems.add(`${path}.fixedResponseConfig.contentType`, `contentType must be one of ${contentTypes.join(', ')}`);
      }
      if (f.messageBody !== undefined && Buffer.byteLength(f.messageBody) > 1024) {
        problems.add(`${path}.fixedResponseConfig.messageBody`, 'messageBody can be at most 1024 bytes');
      }
      break;
    }
    default:
      problems.add(`${path}.type`, `action type must be forward, redirect or fixed-response, got ${JSON.stringify(a.type)}`);
  }
}

/** Normalises checked input to the stored shape (ALB returns both forms for a single group). */
export function normalizeActions(actions: ActionInput[]): Action[] {
  return actions.map((a, i): Action => {
    const order = a.order ?? i + 1;
    switch (a.type) {
      case 'forward': {
        const groups = a.forwardConfig?.targetGroups ?? [{ targetGroupArn: a.targetGroupArn! }];
        const forward: ForwardAction = {
          type: 'forward',
          order,
          forwardConfig: {
            targetGroups: groups.map((g) => ({ targetGroupArn: g.targetGroupArn, weight: g.weight ?? 1 })),
            targetGroupStickinessConfig: {
              enabled: a.forwardConfig?.targetGroupStickinessConfig?.enabled ?? false,
              ...(a.forwardConfig?.targetGroupStickinessConfig?.durationSeconds !== undefined
                ? { durationSeconds: a.forwardConfig.targetGroupStickinessConfig.durationSeconds }
                : {}),
            },
          },
        };
        if (groups.length === 1) forward.targetGroupArn = groups[0]!.targetGroupArn;
        return forward;
      }
      case 'redirect': {
        const r = a.redirectConfig!;
        return {
          type: 'redirect',
          order,
          redirectConfig: {
            protocol: r.protocol ?? '#{protocol}',
            port: r.port ?? '#{port}',
            host: r.host ?? '#{host}',
            path: r.path ?? '/#{path}',
            query: r.query ?? '#{query}',
            statusCode: r.statusCode!,
          },
        };
      }
      default: {
        const f = a.fixedResponseConfig!;
        return {
          type: 'fixed-response',
          order,
          fixedResponseConfig: {
            statusCode: f.statusCode!,
            contentType: f.contentType ?? 'text/plain',
            ...(f.messageBody !== undefined ? { messageBody: f.messageBody } : {}),
          },
        };
      }
    }
  });
}

/** Every target group an action list refers to. */
export function referencedTargetGroups(actions: readonly Action[]): string[] {
  const out: string[] = [];
  for (const a of actions) if (a.type === 'forward') for (const g of a.forwardConfig.targetGroups) out.push(g.targetGroupArn);
  return out;
}
