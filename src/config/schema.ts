/**
 * The shape of the declarative file (`albatross apply -f`), as zod schemas. Names are the API's
 * in camelCase. The schemas check types and keys only: every field is optional here, because
 * required fields, ranges and allowed values are the model's checks, run afterwards so that the
 * file and the API report them with the same words.
 */
import { z } from 'zod';

/** Numbers are numbers; integer-ness and ranges are the model's to check. */
const num = z.number();

/** Fields the API takes as strings but people write as numbers in YAML (`port: 443`, `statusCode: 404`). */
const stringish = z.union([z.string(), z.number()], { error: 'must be a string or a number' }).transform(String);

/** Attribute values travel as strings in the API; YAML writes `30` and `true` unquoted. */
const attributeValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'must be a string, a number or true/false' })
  .transform(String);

const attributes = z.record(z.string(), attributeValue);

/** `matcher: "200"`, `matcher: 200` or, as the API writes it, `matcher: {httpCode: "200-299"}`. */
const matcher = z
  .union([z.string(), z.number(), z.strictObject({ httpCode: stringish })], {
    error: "must be HTTP codes like '200' or {httpCode: '200-299'}",
  })
  .transform((m) => (typeof m === 'object' ? m.httpCode : String(m)));

const target = z.strictObject({
  id: z.string().optional(),
  port: num.optional(),
});

const targetGroup = z.strictObject({
  name: z.string().optional(),
  protocol: z.string().optional(),
  port: num.optional(),
  protocolVersion: z.string().optional(),
  targetType: z.string().optional(),
  healthCheckEnabled: z.boolean().optional(),
  healthCheckProtocol: z.string().optional(),
  healthCheckPort: stringish.optional(),
  healthCheckPath: z.string().optional(),
  healthCheckIntervalSeconds: num.optional(),
  healthCheckTimeoutSeconds: num.optional(),
  healthyThresholdCount: num.optional(),
  unhealthyThresholdCount: num.optional(),
  matcher: matcher.optional(),
  attributes: attributes.optional(),
  /** Omitted: the group's targets are not managed by the file. `[]`: no targets. */
  targets: z.array(target).optional(),
});

/** A target group reference: by name (resolved in the file, then the store) or by ARN. */
const weightedTargetGroup = z.strictObject({
  targetGroupName: z.string().optional(),
  targetGroupArn: z.string().optional(),
  weight: num.optional(),
});

const action = z.strictObject({
  type: z.string().optional(),
  order: num.optional(),
  targetGroupName: z.string().optional(),
  targetGroupArn: z.string().optional(),
  forwardConfig: z
    .strictObject({
      targetGroups: z.array(weightedTargetGroup).optional(),
      targetGroupStickinessConfig: z
        .strictObject({ enabled: z.boolean().optional(), durationSeconds: num.optional() })
        .optional(),
    })
    .optional(),
  redirectConfig: z
    .strictObject({
      protocol: z.string().optional(),
      port: stringish.optional(),
      host: z.string().optional(),
      path: z.string().optional(),
      query: z.string().optional(),
      statusCode: z.string().optional(),
    })
    .optional(),
  fixedResponseConfig: z
    .strictObject({
      statusCode: stringish.optional(),
      contentType: z.string().optional(),
      messageBody: z.string().optional(),
    })
    .optional(),
});

const listener = z.strictObject({
  protocol: z.string().optional(),
  port: num.optional(),
  defaultActions: z.array(action).optional(),
  sslPolicy: z.string().optional(),
  certificates: z.array(z.strictObject({ certificateArn: z.string().optional() })).optional(),
});

const loadBalancer = z.strictObject({
  name: z.string().optional(),
  scheme: z.string().optional(),
  ipAddressType: z.string().optional(),
  type: z.string().optional(),
  attributes: attributes.optional(),
  /** Omitted: the load balancer's listeners are not managed by the file. `[]`: no listeners. */
  listeners: z.array(listener).optional(),
});

/** The whole file. */
export const configFileSchema = z.strictObject({
  targetGroups: z.array(targetGroup).default([]),
  loadBalancers: z.array(loadBalancer).default([]),
});

/** The file after parsing: types checked, values not yet (see `config-file.ts`). */
export type ConfigFile = z.output<typeof configFileSchema>;
export type ConfigTargetGroup = ConfigFile['targetGroups'][number];
export type ConfigTarget = NonNullable<ConfigTargetGroup['targets']>[number];
export type ConfigLoadBalancer = ConfigFile['loadBalancers'][number];
export type ConfigListener = NonNullable<ConfigLoadBalancer['listeners']>[number];
export type ConfigAction = NonNullable<ConfigListener['defaultActions']>[number];
export type ConfigWeightedTargetGroup = NonNullable<NonNullable<ConfigAction['forwardConfig']>['targetGroups']>[number];

/**
 * The keys an object at `path` may have, for "did you mean" hints on unknown keys. Walks the
 * schema's public `def`; returns [] where the path leaves the known shape.
 */
export function allowedKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  let node: z.core.$ZodType | undefined = configFileSchema;
  const unwrap = (t: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    for (let i = 0; t && i < 10; i++) {
      const def = t._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') t = def.innerType;
      else if (def.type === 'pipe') t = def.in;
      else return t;
    }
    return t;
  };
  for (const step of path) {
    node = unwrap(node);
    if (!node) return [];
    const def = node._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === 'object' && typeof step === 'string') node = def.shape?.[step];
    else if (def.type === 'array' && typeof step === 'number') node = def.element;
    else return [];
  }
  node = unwrap(node);
  const def = node?._zod.def as unknown as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
