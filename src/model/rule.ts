/**
 * Listener rules: a priority, conditions that must all match, and actions (spec §5). The
 * listener's default actions appear to the API as the rule with priority `default`.
 */
import type { Action } from './action.ts';

export type ConditionField = 'host-header' | 'path-pattern' | 'http-header' | 'http-request-method' | 'query-string' | 'source-ip';

export interface RuleCondition {
  field: ConditionField;
  /** host-header, path-pattern, http-request-method and source-ip values. */
  values?: string[];
  /** http-header: the header's name. */
  httpHeaderName?: string;
  /** query-string: key (optional, any key when absent) and value pairs; `*` and `?` wildcards. */
  queryStringValues?: Array<{ key?: string; value: string }>;
}

export interface Rule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: Action[];
}
