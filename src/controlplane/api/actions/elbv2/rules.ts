/**
 * elbv2 listener rules: CreateRule, DescribeRules, ModifyRule, DeleteRule, SetRulePriorities.
 *
 * Rules are stored per listener with a unique priority (1–50000). The listener's default
 * actions appear as the rule with priority `default` (IsDefault, no conditions) whose ARN is
 * derived from the listener's (`defaultRuleArn`): it can be described and its actions modified
 * (which changes the listener's default actions), but not deleted or re-prioritised.
 * Conditions are read in both of ALB's forms (`Values` and `*Config`) and shown in both, as ALB
 * shows them.
 */
import {
  AlbatrossError,
  Problems,
  checkRuleConditions,
  checkRulePriority,
  defaultRuleArn,
  listenerArnOfRule,
  normalizeRuleConditions,
  resourceId,
  ruleArn,
  ruleLimits,
  type Listener,
  type Rule,
  type RuleCondition,
  type RuleConditionInput,
} from '../../../../model/index.ts';
import type { StoreTx } from '../../../../store/state-store.ts';
import type { ActionTable, ActionContext } from '../../action.ts';
import { asList, asString, asStruct, type QueryStruct } from '../../query-protocol.ts';
import type { XmlObject } from '../../xml.ts';
import { optionalString, paginate, requiredString, stringList, structList } from '../params.ts';
import { addTags, checkArn, getListenerOrThrow, parseActions, parseTags, resolveActions, toXmlAction } from './shapes.ts';

function invalid(message: string): AlbatrossError {
  return new AlbatrossError('ValidationError', message);
}

// ---- reading ---------------------------------------------------------------------------------

function valuesOf(s: QueryStruct, where: string): string[] | undefined {
  if (s.Values === undefined) return undefined;
  return asList(s.Values, `${where}.Values`).map((v, i) => {
    if (typeof v !== 'string') throw invalid(`${where}.Values.member.${i + 1} must be a single value`);
    return v;
  });
}

function configOf(s: QueryStruct, key: string, where: string): QueryStruct | undefined {
  return asStruct(s[key], `${where}.${key}`);
}

/** `Conditions.member.N.*` → the model's condition inputs (checked by `checkRuleConditions`). */
export function parseConditions(params: QueryStruct, name = 'Conditions'): RuleConditionInput[] {
  return structList(params, name).map((s, i): RuleConditionInput => {
    const where = `${name}.member.${i + 1}`;
    const out: RuleConditionInput = {};
    const field = asString(s.Field, `${where}.Field`);
    if (field !== undefined) out.field = field;
    const values = valuesOf(s, where);
    if (values !== undefined) out.values = values;
    for (const key of ['HostHeaderConfig', 'PathPatternConfig', 'HttpRequestMethodConfig', 'SourceIpConfig'] as const) {
      const c = configOf(s, key, where);
      if (c === undefined) continue;
      const v = valuesOf(c, `${where}.${key}`) ?? [];
      const prop = (key[0]!.toLowerCase() + key.slice(1)) as 'hostHeaderConfig' | 'pathPatternConfig' | 'httpRequestMethodConfig' | 'sourceIpConfig';
      out[prop] = { values: v };
    }
    const header = configOf(s, 'HttpHeaderConfig', where);
    if (header !== undefined) {
      const hname = asString(header.HttpHeaderName, `${where}.HttpHeaderConfig.HttpHeaderName`);
      out.httpHeaderConfig = { ...(hname !== undefined ? { httpHeaderName: hname } : {}), values: valuesOf(header, `${where}.HttpHeaderConfig`) ?? [] };
    }
    const query = configOf(s, 'QueryStringConfig', where);
    if (query !== undefined) {
      const pairs = structList(query, 'Values').map((p, k) => {
        const pwhere = `${where}.QueryStringConfig.Values.member.${k + 1}`;
        const key = asString(p.Key, `${pwhere}.Key`);
        const value = asString(p.Value, `${pwhere}.Value`);
        return { ...(key !== undefined ? { key } : {}), ...(value !== undefined ? { value } : {}) };
      });
      out.queryStringConfig = { values: pairs };
    }
    return out;
  });
}

/** Checks conditions read from the request, with `Conditions.member.N` paths. */
function checkConditions(conditions: RuleConditionInput[], problems: Problems): void {
  const local = new Problems();
  checkRuleConditions(conditions, local, 'Conditions');
  for (const p of local.list) {
    problems.add(p.path.replace(/\[(\d+)\]/g, (_m, n: string) => `.member.${Number(n) + 1}`), p.message, p.code);
  }
}

// ---- rendering -------------------------------------------------------------------------------

export function toXmlCondition(c: RuleCondition): XmlObject {
  switch (c.field) {
    case 'host-header':
      return { Field: c.field, Values: c.values, HostHeaderConfig: { Values: c.values } };
    case 'path-pattern':
      return { Field: c.field, Values: c.values, PathPatternConfig: { Values: c.values } };
    case 'http-header':
      return { Field: c.field, HttpHeaderConfig: { HttpHeaderName: c.httpHeaderName, Values: c.values } };
    case 'query-string':
      return { Field: c.field, QueryStringConfig: { Values: (c.queryStringValues ?? []).map((p) => ({ Key: p.key, Value: p.value })) } };
    case 'http-request-method':
      return { Field: c.field, HttpRequestMethodConfig: { Values: c.values } };
    case 'source-ip':
      return { Field: c.field, SourceIpConfig: { Values: c.values } };
  }
}

export function toXmlRule(r: Rule): XmlObject {
  return {
    RuleArn: r.arn,
    Priority: String(r.priority),
    Conditions: r.conditions.map(toXmlCondition),
    Actions: r.actions.map(toXmlAction),
    IsDefault: false,
  };
}

/** The listener's default actions as ALB's default rule. */
export function toXmlDefaultRule(l: Listener): XmlObject {
  return {
    RuleArn: defaultRuleArn(l.arn),
    Priority: 'default',
    Conditions: [],
    Actions: l.defaultActions.map(toXmlAction),
    IsDefault: true,
  };
}

// ---- lookups ---------------------------------------------------------------------------------

type Found = { kind: 'rule'; rule: Rule } | { kind: 'default'; listener: Listener };

/** A rule ARN → the stored rule or the listener whose default rule it is; RuleNotFound otherwise. */
async function findRule(tx: StoreTx, arn: string, param: string): Promise<Found> {
  checkArn(arn, 'listener-rule', param);
  const rule = await tx.getRule(arn);
  if (rule) return { kind: 'rule', rule };
  const listenerArn = listenerArnOfRule(arn);
  if (listenerArn !== undefined) {
    const listener = await tx.getListener(listenerArn);
    if (listener && defaultRuleArn(listener.arn) === arn) return { kind: 'default', listener };
  }
  throw new AlbatrossError('RuleNotFound', `Rule '${arn}' not found`);
}

/** Rules on every listener of a load balancer (ALB's quota counts them per load balancer). */
async function rulesOfLoadBalancer(tx: StoreTx, loadBalancerArn: string): Promise<number> {
  let n = 0;
  for (const l of await tx.listListeners(loadBalancerArn)) n += (await tx.listRules(l.arn)).length;
  return n;
}

function priorityOf(params: QueryStruct, name: string, where = name): number {
  const v = asString(params[name], where);
  if (v === undefined || v === '') throw new AlbatrossError('MissingParameter', `The request must contain the parameter ${where}`);
  if (!/^-?\d{1,15}$/.test(v)) throw invalid(`${where} must be an integer from ${ruleLimits.minPriority} to ${ruleLimits.maxPriority}, got '${v}'`);
  const n = Number(v);
  const problems = new Problems();
  checkRulePriority(n, problems, where);
  problems.throwIfAny();
  return n;
}

// ---- actions ---------------------------------------------------------------------------------

async function createRule(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const listenerArn = requiredString(params, 'ListenerArn');
  const priority = priorityOf(params, 'Priority');
  if (params.Conditions === undefined) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Conditions');
  const conditions = parseConditions(params);
  if (params.Actions === undefined) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Actions');
  const actionInputs = parseActions(params, 'Actions');
  const tags = parseTags(params, 'Tags');
  const problems = new Problems();
  checkConditions(conditions, problems);
  problems.throwIfAny();

  return ctx.store.transaction(async (tx) => {
    const listener = await getListenerOrThrow(tx, listenerArn);
    const existing = await tx.listRules(listener.arn);
    if (existing.some((r) => r.priority === priority)) {
      throw new AlbatrossError('PriorityInUse', `Priority '${priority}' is currently in use on listener '${listener.arn}'`);
    }
    const count = await rulesOfLoadBalancer(tx, listener.loadBalancerArn);
    if (count >= ruleLimits.rulesPerLoadBalancer) {
      throw new AlbatrossError('TooManyRules', `The load balancer already has ${count} rules, the most it can have (not counting default rules)`);
    }
    const actions = await resolveActions(tx, actionInputs, 'Actions');
    const rule: Rule = {
      arn: ruleArn(listener.arn, resourceId(ctx.randomHex)),
      listenerArn: listener.arn,
      priority,
      conditions: normalizeRuleConditions(conditions),
      actions,
    };
    await tx.putRule(rule);
    await addTags(tx, rule.arn, tags);
    return { Rules: [toXmlRule(rule)] };
  });
}

async function describeRules(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const listenerArn = optionalString(params, 'ListenerArn');
  const ruleArns = stringList(params, 'RuleArns');
  if ((listenerArn === undefined || listenerArn === '') && ruleArns.length === 0) {
    throw invalid('Give either ListenerArn or RuleArns');
  }
  if (listenerArn !== undefined && listenerArn !== '' && ruleArns.length > 0) {
    throw invalid('Give either ListenerArn or RuleArns, not both');
  }
  return ctx.store.transaction(async (tx) => {
    let items: XmlObject[];
    if (ruleArns.length > 0) {
      items = [];
      const seen = new Set<string>();
      for (const [i, arn] of ruleArns.entries()) {
        if (seen.has(arn)) continue;
        seen.add(arn);
        const found = await findRule(tx, arn, `RuleArns.member.${i + 1}`);
        items.push(found.kind === 'rule' ? toXmlRule(found.rule) : toXmlDefaultRule(found.listener));
      }
    } else {
      const listener = await getListenerOrThrow(tx, listenerArn!);
      const rules = (await tx.listRules(listener.arn)).sort((a, b) => a.priority - b.priority);
      items = [...rules.map(toXmlRule), toXmlDefaultRule(listener)];
    }
    const { page, nextMarker } = paginate(items, params);
    return { Rules: page, NextMarker: nextMarker };
  });
}

async function modifyRule(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const arn = requiredString(params, 'RuleArn');
  const conditions = params.Conditions !== undefined ? parseConditions(params) : undefined;
  const actionInputs = params.Actions !== undefined ? parseActions(params, 'Actions') : undefined;
  return ctx.store.transaction(async (tx) => {
    const found = await findRule(tx, arn, 'RuleArn');
    if (found.kind === 'default') {
      if (conditions !== undefined && conditions.length > 0) {
        throw new AlbatrossError('OperationNotPermitted', 'The default rule cannot have conditions: only its actions can be modified');
      }
      if (actionInputs === undefined) return { Rules: [toXmlDefaultRule(found.listener)] };
      const defaultActions = await resolveActions(tx, actionInputs, 'Actions');
      const listener: Listener = { ...found.listener, defaultActions };
      await tx.putListener(listener);
      return { Rules: [toXmlDefaultRule(listener)] };
    }
    const problems = new Problems();
    if (conditions !== undefined) checkConditions(conditions, problems);
    problems.throwIfAny();
    const rule: Rule = { ...found.rule };
    if (conditions !== undefined) rule.conditions = normalizeRuleConditions(conditions);
    if (actionInputs !== undefined) rule.actions = await resolveActions(tx, actionInputs, 'Actions');
    if (conditions !== undefined || actionInputs !== undefined) await tx.putRule(rule);
    return { Rules: [toXmlRule(rule)] };
  });
}

async function deleteRule(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const arn = requiredString(params, 'RuleArn');
  return ctx.store.transaction(async (tx) => {
    const found = await findRule(tx, arn, 'RuleArn');
    if (found.kind === 'default') throw new AlbatrossError('OperationNotPermitted', 'The default rule cannot be deleted');
    await tx.deleteRule(found.rule.arn);
    return {};
  });
}

async function setRulePriorities(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const entries = structList(params, 'RulePriorities');
  if (entries.length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter RulePriorities');
  const wanted = new Map<string, number>();
  entries.forEach((s, i) => {
    const where = `RulePriorities.member.${i + 1}`;
    const arn = asString(s.RuleArn, `${where}.RuleArn`);
    if (arn === undefined || arn === '') throw new AlbatrossError('MissingParameter', `The request must contain the parameter ${where}.RuleArn`);
    if (wanted.has(arn)) throw invalid(`${where}.RuleArn: rule '${arn}' is given more than once`);
    wanted.set(arn, priorityOf(s, 'Priority', `${where}.Priority`));
  });
  return ctx.store.transaction(async (tx) => {
    const changed: Rule[] = [];
    for (const [i, arn] of [...wanted.keys()].entries()) {
      const found = await findRule(tx, arn, `RulePriorities.member.${i + 1}.RuleArn`);
      if (found.kind === 'default') throw new AlbatrossError('OperationNotPermitted', 'The priority of the default rule cannot be changed');
      changed.push({ ...found.rule, priority: wanted.get(arn)! });
    }
    // The whole new set must fit: no two rules of a listener may end up with one priority.
    for (const listenerArn of new Set(changed.map((r) => r.listenerArn))) {
      const byPriority = new Map<number, string>();
      for (const r of await tx.listRules(listenerArn)) {
        const priority = wanted.get(r.arn) ?? r.priority;
        const other = byPriority.get(priority);
        if (other !== undefined) {
          throw new AlbatrossError('PriorityInUse', `Priority '${priority}' would be used by both '${other}' and '${r.arn}'`);
        }
        byPriority.set(priority, r.arn);
      }
    }
    // The store keeps priorities unique at every step: move the rules aside, then into place.
    for (const [i, r] of changed.entries()) await tx.putRule({ ...r, priority: -(i + 1) });
    for (const r of changed) await tx.putRule(r);
    return { Rules: changed.sort((a, b) => a.priority - b.priority).map(toXmlRule) };
  });
}

export const rulesActions: ActionTable = {
  CreateRule: createRule,
  DescribeRules: describeRules,
  ModifyRule: modifyRule,
  DeleteRule: deleteRule,
  SetRulePriorities: setRulePriorities,
};
