/**
 * elasticloadbalancing tag actions for load balancers, target groups, listeners and rules: up to
 * 50 tags per resource, keys 1–128 characters (not `aws:`), values up to 256. A call naming
 * several resources changes all of them or none.
 */
import { AlbatrossError, arnKind } from '../../../../model/index.ts';
import type { StoreTx } from '../../../../store/state-store.ts';
import type { ActionHandler, ActionTable } from '../../action.ts';
import type { QueryStruct } from '../../query-protocol.ts';
import { stringList } from '../params.ts';
import { addTags, checkTagKey, parseTags, toXmlTags } from './shapes.ts';

/** ALB's limit on ResourceArns per call. */
export const MAX_RESOURCES_PER_CALL = 20;

function resourceArns(p: QueryStruct): string[] {
  const arns = stringList(p, 'ResourceArns');
  if (arns.length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter ResourceArns');
  if (arns.length > MAX_RESOURCES_PER_CALL) {
    throw new AlbatrossError('ValidationError', `ResourceArns can name at most ${MAX_RESOURCES_PER_CALL} resources, got ${arns.length}`);
  }
  arns.forEach((arn, i) => {
    if (arnKind(arn) === undefined) throw new AlbatrossError('ValidationError', `ResourceArns.member.${i + 1}: '${arn}' is not a valid Elastic Load Balancing ARN`);
  });
  return [...new Set(arns)];
}

/** Throws the resource's own not-found code when it does not exist. */
async function requireResource(tx: StoreTx, arn: string): Promise<void> {
  switch (arnKind(arn)) {
    case 'targetgroup':
      if (!(await tx.getTargetGroup(arn))) throw new AlbatrossError('TargetGroupNotFound', `Target group '${arn}' not found`);
      return;
    case 'loadbalancer':
      if (!(await tx.getLoadBalancer(arn))) throw new AlbatrossError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
      return;
    case 'listener':
      if (!(await tx.getListener(arn))) throw new AlbatrossError('ListenerNotFound', `Listener '${arn}' not found`);
      return;
    case 'listener-rule':
      if (!(await tx.getRule(arn))) throw new AlbatrossError('RuleNotFound', `Rule '${arn}' not found`);
      return;
    default:
      throw new AlbatrossError('ValidationError', `'${arn}' is not a valid Elastic Load Balancing ARN`);
  }
}

const addTagsAction: ActionHandler = async (p, ctx) => {
  const arns = resourceArns(p);
  const tags = parseTags(p);
  if (Object.keys(tags).length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Tags');
  return ctx.store.transaction(async (tx) => {
    for (const arn of arns) await requireResource(tx, arn);
    for (const arn of arns) await addTags(tx, arn, tags);
    return {};
  });
};

const removeTags: ActionHandler = async (p, ctx) => {
  const arns = resourceArns(p);
  const keys = stringList(p, 'TagKeys');
  if (keys.length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter TagKeys');
  keys.forEach((k, i) => checkTagKey(k, `TagKeys.member.${i + 1}`));
  return ctx.store.transaction(async (tx) => {
    for (const arn of arns) await requireResource(tx, arn);
    for (const arn of arns) {
      const current = await tx.getTags(arn);
      const present = keys.filter((k) => Object.hasOwn(current, k));
      if (present.length > 0) await tx.removeTags(arn, present);
    }
    return {};
  });
};

const describeTags: ActionHandler = async (p, ctx) => {
  const arns = resourceArns(p);
  return ctx.store.transaction(async (tx) => {
    const out = [];
    for (const arn of arns) {
      await requireResource(tx, arn);
      out.push({ ResourceArn: arn, Tags: toXmlTags(await tx.getTags(arn)) });
    }
    return { TagDescriptions: out };
  });
};

export const tagsActions: ActionTable = {
  AddTags: addTagsAction,
  RemoveTags: removeTags,
  DescribeTags: describeTags,
};
