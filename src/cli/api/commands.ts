/**
 * The command table: every API action of the spec (§3) as an `albatross <service> <command>`,
 * named as the AWS CLI names it. Each entry gives the action, its parameters (the Query member
 * names and shapes, from which register.ts derives `--kebab-case` options, shorthand and JSON
 * reading, and the Query serialization), the shape of its result (to read the XML into AWS's
 * JSON), its pagination, and how a person sees the result: a table for describe/list actions,
 * one line for a change.
 */
import {
  Action, Attribute, Certificate, Filter, IpPermission, LoadBalancer, Listener, Matcher, Rule, RuleCondition,
  SecurityGroup, SecurityGroupRule, ServerCertificate, ServerCertificateMetadata, SslPolicy, SubnetMapping, Tag,
  TagDescription, TagSpecification, TargetDescription, TargetGroup, TargetHealthDescription, Ec2Tag,
  bool, empty, int, list, str, struct, wire, type Member, type Shape, type StructureShape,
} from './shapes.ts';
import type { JsonObject } from './shorthand.ts';
import {
  arnName, arr, describeActions, describeCondition, describePermission, keyValues, obj, objs, plural, tableOrNone,
  targetList, text,
} from './render.ts';

export type ServiceName = 'elbv2' | 'iam' | 'ec2';

export interface ServiceInfo {
  /** The SigV4 credential-scope service, which the admin endpoint routes by. */
  signingName: string;
  version: string;
  /** EC2's protocol: `Name.N` lists in requests, `<item>` lists and lowerCamel elements in responses. */
  ec2: boolean;
  description: string;
}

export const services: Readonly<Record<ServiceName, ServiceInfo>> = {
  elbv2: {
    signingName: 'elasticloadbalancing',
    version: '2015-12-01',
    ec2: false,
    description: 'load balancers, listeners, rules, target groups and targets (Elastic Load Balancing v2 API)',
  },
  iam: {
    signingName: 'iam',
    version: '2010-05-08',
    ec2: false,
    description: 'server certificates for HTTPS listeners (the IAM server-certificate API)',
  },
  ec2: {
    signingName: 'ec2',
    version: '2016-11-15',
    ec2: true,
    description: 'security groups for load balancers (the EC2 security-group API)',
  },
};

export interface ParamSpec {
  shape: Shape;
  /** The option's help text. */
  doc: string;
  required?: boolean;
  /** EC2: the parameter's name on the wire, when it is not the member name (see shapes.ts). */
  wire?: string;
}

export interface Pagination {
  inputToken: string;
  outputToken: string;
  resultKey: string;
  /** IAM's `IsTruncated`. */
  moreResults?: string;
}

export interface ApiCommandSpec {
  service: ServiceName;
  /** The API action, e.g. `CreateTargetGroup`; the command is its kebab-case name. */
  action: string;
  description: string;
  /** Input members, in the model's order. */
  params: Readonly<Record<string, ParamSpec>>;
  output: StructureShape;
  pagination?: Pagination;
  /** Command lines shown under `--help` (without the leading `albatross <service> <command>`). */
  examples?: readonly string[];
  /** What a person sees (the default output); `input` is what was sent. */
  human(result: JsonObject, input: JsonObject): string;
}

/** The input members of a command as a structure shape. */
export function inputShape(spec: ApiCommandSpec): StructureShape {
  const members: Record<string, Member> = {};
  for (const [name, p] of Object.entries(spec.params)) members[name] = p.wire === undefined ? { shape: p.shape } : { shape: p.shape, wire: p.wire };
  return { type: 'structure', members };
}

function p(shape: Shape, doc: string, required = false): ParamSpec {
  return required ? { shape, doc, required } : { shape, doc };
}

// ---------------------------------------------------------------------------------------------
// Parameters that many actions share

const tgArn = (doc = 'the target group (its ARN)', required = true): ParamSpec => p(str, doc, required);
const lbArn = (doc = 'the load balancer (its ARN)', required = true): ParamSpec => p(str, doc, required);
const listenerArn = (doc = 'the listener (its ARN)', required = true): ParamSpec => p(str, doc, required);
const ruleArn = (doc = 'the rule (its ARN)', required = true): ParamSpec => p(str, doc, required);
const marker = p(str, 'start at this page (the NextMarker of an earlier call) and fetch only that page; without it, every page is fetched');
const pageSize = p(int, 'results per request, 1-400');
const tags = p(list(Tag), 'tags to add: Key=k,Value=v ...');
const attributes = (what: string): ParamSpec =>
  p(list(Attribute), `${what} attributes to set: Key=name,Value=value ... (e.g. Key=stickiness.enabled,Value=true)`, true);
const certificates = (doc: string, required: boolean): ParamSpec => p(list(Certificate), `${doc}: CertificateArn=arn ...`, required);
const defaultActions = (required: boolean): ParamSpec =>
  p(
    list(Action),
    'what the listener does with a request no rule matches: Type=forward,TargetGroupArn=arn | ' +
      'Type=fixed-response,FixedResponseConfig={StatusCode=503,ContentType=text/plain,MessageBody=...} | ' +
      'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301} | ' +
      'Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=a,Weight=1},{TargetGroupArn=b,Weight=1}]}',
    required,
  );
const ruleActions = (required: boolean): ParamSpec =>
  p(list(Action), 'what the rule does: Type=forward,TargetGroupArn=arn (or fixed-response, redirect; as --default-actions of create-listener)', required);
const conditions = (required: boolean): ParamSpec =>
  p(
    list(RuleCondition),
    'when the rule applies: Field=path-pattern,Values=/api/* | Field=host-header,Values=example.com | ' +
      'Field=http-header,HttpHeaderConfig={HttpHeaderName=X-Env,Values=[prod]} | ' +
      'Field=query-string,QueryStringConfig={Values=[{Key=a,Value=b}]} | Field=http-request-method,Values=GET | ' +
      'Field=source-ip,Values=10.0.0.0/8',
    required,
  );
const sslPolicy = p(str, 'the TLS policy of an HTTPS listener, e.g. ELBSecurityPolicy-TLS13-1-2-2021-06 (describe-ssl-policies lists them)');
const alpnPolicy = p(list(str), 'ALPN policy of an HTTPS listener (HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred, None)');
const healthCheck = {
  HealthCheckProtocol: p(str, 'HTTP or HTTPS (default: the protocol of the group)'),
  HealthCheckPort: p(str, "the port health checks go to: traffic-port (the target's own, default) or a number"),
  HealthCheckEnabled: p(bool, 'whether targets are health-checked (default: true)'),
  HealthCheckPath: p(str, 'the path health checks request (default: /)'),
  HealthCheckIntervalSeconds: p(int, 'seconds between checks of a target, 5-300 (default: 30)'),
  HealthCheckTimeoutSeconds: p(int, 'seconds a check may take, 2-120, less than the interval (default: 5)'),
  HealthyThresholdCount: p(int, 'consecutive successes before an unhealthy target is healthy, 2-10 (default: 5)'),
  UnhealthyThresholdCount: p(int, 'consecutive failures before a healthy target is unhealthy, 2-10 (default: 2)'),
  Matcher: p(Matcher, 'HTTP codes that count as healthy: HttpCode=200 | HttpCode=200,202 | HttpCode=200-299 (default: 200)'),
};
const targets = (doc: string, required: boolean): ParamSpec =>
  p(list(TargetDescription), `${doc}: Id=host-or-ip,Port=port ... (Port defaults to the group's port)`, required);

// ---------------------------------------------------------------------------------------------
// Renderers

function tgRow(tg: JsonObject): string[] {
  return [
    text(tg.TargetGroupName),
    `${text(tg.Protocol)}:${text(tg.Port)}`,
    text(tg.TargetType),
    tg.HealthCheckEnabled === false ? 'disabled' : `${text(tg.HealthCheckProtocol)} ${text(tg.HealthCheckPath)}`,
    text(tg.TargetGroupArn),
  ];
}
const tgHead = ['name', 'protocol:port', 'target type', 'health check', 'ARN'];

function lbRows(lbs: JsonObject[]): string[][] {
  return lbs.map((lb) => [
    text(lb.LoadBalancerName),
    text(lb.Scheme),
    text(obj(lb.State).Code),
    text(lb.DNSName),
    text(lb.LoadBalancerArn),
  ]);
}
const lbHead = ['name', 'scheme', 'state', 'DNS name', 'ARN'];

function listenerRows(listeners: JsonObject[]): string[][] {
  return listeners.map((l) => [
    `${text(l.Protocol)}:${text(l.Port)}`,
    describeActions(l.DefaultActions),
    text(l.SslPolicy),
    text(l.ListenerArn),
  ]);
}
const listenerHead = ['protocol:port', 'default action', 'SSL policy', 'ARN'];

function ruleRows(rules: JsonObject[]): string[][] {
  return rules.map((r) => [
    text(r.Priority),
    r.IsDefault === true ? '(default)' : objs(r.Conditions).map(describeCondition).join('; '),
    describeActions(r.Actions),
    text(r.RuleArn),
  ]);
}
const ruleHead = ['priority', 'conditions', 'actions', 'ARN'];

function attributeTable(result: JsonObject): string {
  return tableOrNone(['key', 'value'], objs(result.Attributes).map((a) => [text(a.Key), text(a.Value)]), 'no attributes');
}

function certMetaRow(m: JsonObject): string[] {
  return [text(m.ServerCertificateName), text(m.ServerCertificateId), text(m.Path), text(m.Expiration), text(m.Arn)];
}
const certMetaHead = ['name', 'id', 'path', 'expires', 'ARN'];

function first(result: JsonObject, key: string): JsonObject {
  return objs(result[key])[0] ?? {};
}

function groupRef(input: JsonObject): string {
  return text(input.GroupId ?? input.GroupName);
}

function permissionsOf(input: JsonObject): string {
  const perms = objs(input.IpPermissions);
  if (perms.length > 0) return perms.map(describePermission).join('; ');
  return describePermission({
    IpProtocol: input.IpProtocol ?? '',
    ...(input.FromPort !== undefined ? { FromPort: input.FromPort } : {}),
    ...(input.ToPort !== undefined ? { ToPort: input.ToPort } : {}),
    ...(input.CidrIp !== undefined ? { IpRanges: [{ CidrIp: input.CidrIp }] } : {}),
    ...(input.SourceSecurityGroupName !== undefined ? { UserIdGroupPairs: [{ GroupName: input.SourceSecurityGroupName }] } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// The table

export const apiCommands: readonly ApiCommandSpec[] = [
  // ---- load balancers
  {
    service: 'elbv2',
    action: 'CreateLoadBalancer',
    description: 'create an application load balancer (it serves once a listener is added)',
    params: {
      Name: p(str, 'the name: 1-32 letters, digits and hyphens, unique', true),
      Subnets: p(list(str), 'the nodes that serve it, by subnet id (default: every node)'),
      SubnetMappings: p(list(SubnetMapping), 'the nodes that serve it: SubnetId=subnet-local ...'),
      SecurityGroups: p(list(str), 'security group ids whose inbound rules apply to its listeners'),
      Scheme: p(str, 'internet-facing (listen on every address, default) or internal (loopback or a private address)'),
      Tags: tags,
      Type: p(str, 'application (the only type)'),
      IpAddressType: p(str, 'ipv4 (default) or dualstack'),
    },
    output: struct({ LoadBalancers: list(LoadBalancer) }),
    examples: [
      '--name tutorial-alb --scheme internet-facing --ip-address-type ipv4',
    ],
    human: (r) => {
      const lb = first(r, 'LoadBalancers');
      return `created load balancer ${text(lb.LoadBalancerName)} ${text(lb.LoadBalancerArn)}`;
    },
  },
  {
    service: 'elbv2',
    action: 'DescribeLoadBalancers',
    description: 'list load balancers: name, scheme, state, DNS name, ARN',
    params: {
      LoadBalancerArns: p(list(str), 'only these load balancers (ARNs)'),
      Names: p(list(str), 'only these load balancers (names)'),
      Marker: marker,
      PageSize: pageSize,
    },
    output: struct({ LoadBalancers: list(LoadBalancer), NextMarker: str }),
    pagination: { inputToken: 'Marker', outputToken: 'NextMarker', resultKey: 'LoadBalancers' },
    examples: [
      '',
      '--names tutorial-alb --output json',
    ],
    human: (r) => tableOrNone(lbHead, lbRows(objs(r.LoadBalancers)), 'no load balancers'),
  },
  {
    service: 'elbv2',
    action: 'DeleteLoadBalancer',
    description: 'delete a load balancer and its listeners (target groups stay)',
    params: { LoadBalancerArn: lbArn() },
    output: empty,
    human: (_r, i) => `deleted load balancer ${arnName(text(i.LoadBalancerArn))} ${text(i.LoadBalancerArn)}`,
  },
  {
    service: 'elbv2',
    action: 'DescribeLoadBalancerAttributes',
    description: "list a load balancer's attributes (idle timeout, desync mitigation, HTTP/2, ...)",
    params: { LoadBalancerArn: lbArn() },
    output: struct({ Attributes: list(Attribute) }),
    human: attributeTable,
  },
  {
    service: 'elbv2',
    action: 'ModifyLoadBalancerAttributes',
    description: "change a load balancer's attributes",
    params: { LoadBalancerArn: lbArn(), Attributes: attributes('load balancer') },
    output: struct({ Attributes: list(Attribute) }),
    examples: [
      '--load-balancer-name tutorial-alb --attributes Key=idle_timeout.timeout_seconds,Value=120',
    ],
    human: (_r, i) => `modified load balancer ${arnName(text(i.LoadBalancerArn))}: ${keyValues(i.Attributes)}`,
  },
  {
    service: 'elbv2',
    action: 'SetSecurityGroups',
    description: 'replace the security groups of a load balancer',
    params: { LoadBalancerArn: lbArn(), SecurityGroups: p(list(str), 'the security group ids (none: pass an empty list, [])', true) },
    output: struct({ SecurityGroupIds: list(str) }),
    human: (r, i) => {
      const ids = arr(r.SecurityGroupIds).map(text);
      return `set the security groups of ${arnName(text(i.LoadBalancerArn))}: ${ids.length > 0 ? ids.join(', ') : '(none)'}`;
    },
  },
  {
    service: 'elbv2',
    action: 'SetSubnets',
    description: 'change which nodes (subnets) serve a load balancer',
    params: {
      LoadBalancerArn: lbArn(),
      Subnets: p(list(str), 'subnet ids of the nodes'),
      SubnetMappings: p(list(SubnetMapping), 'SubnetId=subnet-... ...'),
      IpAddressType: p(str, 'ipv4 or dualstack'),
    },
    output: struct({ AvailabilityZones: LoadBalancer.members.AvailabilityZones!.shape, IpAddressType: str }),
    human: (r, i) =>
      `set the subnets of ${arnName(text(i.LoadBalancerArn))}: ${objs(r.AvailabilityZones).map((z) => `${text(z.ZoneName)} (${text(z.SubnetId)})`).join(', ')}`,
  },

  // ---- target groups
  {
    service: 'elbv2',
    action: 'CreateTargetGroup',
    description: 'create a target group: where a forward action sends requests, and how its targets are health-checked',
    params: {
      Name: p(str, 'the name: 1-32 letters, digits and hyphens, unique', true),
      Protocol: p(str, 'HTTP or HTTPS (to the targets)'),
      ProtocolVersion: p(str, 'HTTP1 (default), HTTP2 or GRPC'),
      Port: p(int, 'the port targets listen on, unless a target says its own (1-65535)'),
      VpcId: p(str, 'accepted for compatibility; Albatross has one VPC, vpc-local'),
      ...healthCheck,
      TargetType: p(str, 'instance (targets are host names, default) or ip (IP addresses)'),
      Tags: tags,
      IpAddressType: p(str, 'ipv4 (default) or ipv6'),
    },
    output: struct({ TargetGroups: list(TargetGroup) }),
    examples: [
      '--name tutorial-tg --protocol HTTP --port 8080 --protocol-version HTTP1 --target-type instance --health-check-path /status',
    ],
    human: (r) => {
      const tg = first(r, 'TargetGroups');
      return `created target group ${text(tg.TargetGroupName)} ${text(tg.TargetGroupArn)}`;
    },
  },
  {
    service: 'elbv2',
    action: 'DescribeTargetGroups',
    description: 'list target groups: name, protocol:port, target type, health check, ARN',
    params: {
      LoadBalancerArn: lbArn('only the target groups this load balancer forwards to', false),
      TargetGroupArns: p(list(str), 'only these target groups (ARNs)'),
      Names: p(list(str), 'only these target groups (names)'),
      Marker: marker,
      PageSize: pageSize,
    },
    output: struct({ TargetGroups: list(TargetGroup), NextMarker: str }),
    pagination: { inputToken: 'Marker', outputToken: 'NextMarker', resultKey: 'TargetGroups' },
    examples: [
      '',
      '--names tutorial-tg --output json',
      '--load-balancer-name tutorial-alb',
    ],
    human: (r) => tableOrNone(tgHead, objs(r.TargetGroups).map(tgRow), 'no target groups'),
  },
  {
    service: 'elbv2',
    action: 'ModifyTargetGroup',
    description: "change a target group's health check",
    params: {
      TargetGroupArn: tgArn(),
      HealthCheckProtocol: healthCheck.HealthCheckProtocol,
      HealthCheckPort: healthCheck.HealthCheckPort,
      HealthCheckPath: healthCheck.HealthCheckPath,
      HealthCheckEnabled: healthCheck.HealthCheckEnabled,
      HealthCheckIntervalSeconds: healthCheck.HealthCheckIntervalSeconds,
      HealthCheckTimeoutSeconds: healthCheck.HealthCheckTimeoutSeconds,
      HealthyThresholdCount: healthCheck.HealthyThresholdCount,
      UnhealthyThresholdCount: healthCheck.UnhealthyThresholdCount,
      Matcher: healthCheck.Matcher,
    },
    output: struct({ TargetGroups: list(TargetGroup) }),
    examples: [
      '--target-group-name tutorial-tg --health-check-interval-seconds 10 --matcher HttpCode=200-299',
    ],
    human: (r) => {
      const tg = first(r, 'TargetGroups');
      return `modified target group ${text(tg.TargetGroupName)} ${text(tg.TargetGroupArn)}`;
    },
  },
  {
    service: 'elbv2',
    action: 'DeleteTargetGroup',
    description: 'delete a target group (refused while a listener or rule forwards to it)',
    params: { TargetGroupArn: tgArn() },
    output: empty,
    human: (_r, i) => `deleted target group ${arnName(text(i.TargetGroupArn))} ${text(i.TargetGroupArn)}`,
  },
  {
    service: 'elbv2',
    action: 'DescribeTargetGroupAttributes',
    description: "list a target group's attributes (deregistration delay, stickiness, slow start, algorithm)",
    params: { TargetGroupArn: tgArn() },
    output: struct({ Attributes: list(Attribute) }),
    human: attributeTable,
  },
  {
    service: 'elbv2',
    action: 'ModifyTargetGroupAttributes',
    description: "change a target group's attributes",
    params: { TargetGroupArn: tgArn(), Attributes: attributes('target group') },
    output: struct({ Attributes: list(Attribute) }),
    examples: [
      '--target-group-name tutorial-tg --attributes Key=stickiness.enabled,Value=true Key=stickiness.type,Value=lb_cookie Key=stickiness.lb_cookie.duration_seconds,Value=300',
    ],
    human: (_r, i) => `modified target group ${arnName(text(i.TargetGroupArn))}: ${keyValues(i.Attributes)}`,
  },
  {
    service: 'elbv2',
    action: 'RegisterTargets',
    description: 'add targets to a target group (they get traffic once healthy)',
    params: { TargetGroupArn: tgArn(), Targets: targets('the targets', true) },
    output: empty,
    examples: [
      '--target-group-name tutorial-tg --targets Id=127.0.0.1,Port=8081 Id=127.0.0.1,Port=8082',
    ],
    human: (_r, i) =>
      `registered ${plural(arr(i.Targets).length, 'target')} in ${arnName(text(i.TargetGroupArn))}: ${targetList(i.Targets)}`,
  },
  {
    service: 'elbv2',
    action: 'DeregisterTargets',
    description: 'remove targets from a target group (they drain for the deregistration delay)',
    params: { TargetGroupArn: tgArn(), Targets: targets('the targets', true) },
    output: empty,
    examples: [
      '--target-group-name tutorial-tg --targets Id=127.0.0.1,Port=8082',
    ],
    human: (_r, i) =>
      `deregistered ${plural(arr(i.Targets).length, 'target')} from ${arnName(text(i.TargetGroupArn))}: ${targetList(i.Targets)}`,
  },
  {
    service: 'elbv2',
    action: 'DescribeTargetHealth',
    description: "list a target group's targets with their health: state, reason, description",
    params: { TargetGroupArn: tgArn(), Targets: targets('only these targets', false) },
    output: struct({ TargetHealthDescriptions: list(TargetHealthDescription) }),
    examples: [
      '--target-group-name tutorial-tg',
    ],
    human: (r) =>
      tableOrNone(
        ['target', 'port', 'state', 'reason', 'description'],
        objs(r.TargetHealthDescriptions).map((d) => {
          const t = obj(d.Target);
          const h = obj(d.TargetHealth);
          return [text(t.Id), text(t.Port), text(h.State), text(h.Reason), text(h.Description)];
        }),
        'no targets',
      ),
  },

  // ---- listeners
  {
    service: 'elbv2',
    action: 'CreateListener',
    description: 'add a listener to a load balancer: a protocol and port, and what to do with requests',
    params: {
      LoadBalancerArn: lbArn(),
      Protocol: p(str, 'HTTP or HTTPS'),
      Port: p(int, 'the port to listen on, 1-65535'),
      SslPolicy: sslPolicy,
      Certificates: certificates('HTTPS: the default certificate (an IAM server certificate ARN)', false),
      DefaultActions: defaultActions(true),
      AlpnPolicy: alpnPolicy,
      Tags: tags,
    },
    output: struct({ Listeners: list(Listener) }),
    examples: [
      '--load-balancer-name tutorial-alb --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=<target group ARN>',
      '--load-balancer-name tutorial-alb --protocol HTTPS --port 443 --certificates CertificateArn=<server certificate ARN> --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06 --default-actions Type=forward,TargetGroupArn=<target group ARN>',
    ],
    human: (r) => {
      const l = first(r, 'Listeners');
      return `created listener ${text(l.Protocol)}:${text(l.Port)} ${text(l.ListenerArn)}`;
    },
  },
  {
    service: 'elbv2',
    action: 'DescribeListeners',
    description: 'list the listeners of a load balancer: protocol:port, default action, SSL policy, ARN',
    params: {
      LoadBalancerArn: lbArn('the load balancer whose listeners to list', false),
      ListenerArns: p(list(str), 'only these listeners (ARNs)'),
      Marker: marker,
      PageSize: pageSize,
    },
    output: struct({ Listeners: list(Listener), NextMarker: str }),
    pagination: { inputToken: 'Marker', outputToken: 'NextMarker', resultKey: 'Listeners' },
    examples: [
      '--load-balancer-name tutorial-alb',
    ],
    human: (r) => tableOrNone(listenerHead, listenerRows(objs(r.Listeners)), 'no listeners'),
  },
  {
    service: 'elbv2',
    action: 'ModifyListener',
    description: "change a listener's protocol, port, certificate, policy or default actions",
    params: {
      ListenerArn: listenerArn(),
      Port: p(int, 'the new port'),
      Protocol: p(str, 'HTTP or HTTPS'),
      SslPolicy: sslPolicy,
      Certificates: certificates('HTTPS: the new default certificate', false),
      DefaultActions: defaultActions(false),
      AlpnPolicy: alpnPolicy,
    },
    output: struct({ Listeners: list(Listener) }),
    human: (r) => {
      const l = first(r, 'Listeners');
      return `modified listener ${text(l.Protocol)}:${text(l.Port)} ${text(l.ListenerArn)}`;
    },
  },
  {
    service: 'elbv2',
    action: 'DeleteListener',
    description: 'delete a listener (it stops accepting; requests in flight finish)',
    params: { ListenerArn: listenerArn() },
    output: empty,
    human: (_r, i) => `deleted listener ${text(i.ListenerArn)}`,
  },
  {
    service: 'elbv2',
    action: 'AddListenerCertificates',
    description: 'add certificates an HTTPS listener chooses by SNI',
    params: { ListenerArn: listenerArn(), Certificates: certificates('the certificates', true) },
    output: struct({ Certificates: list(Certificate) }),
    human: (_r, i) => `added ${plural(arr(i.Certificates).length, 'certificate')} to listener ${text(i.ListenerArn)}`,
  },
  {
    service: 'elbv2',
    action: 'RemoveListenerCertificates',
    description: 'remove SNI certificates from an HTTPS listener',
    params: { ListenerArn: listenerArn(), Certificates: certificates('the certificates', true) },
    output: empty,
    human: (_r, i) => `removed ${plural(arr(i.Certificates).length, 'certificate')} from listener ${text(i.ListenerArn)}`,
  },
  {
    service: 'elbv2',
    action: 'DescribeListenerCertificates',
    description: "list an HTTPS listener's certificates (the default one and those chosen by SNI)",
    params: { ListenerArn: listenerArn(), Marker: marker, PageSize: pageSize },
    output: struct({ Certificates: list(Certificate), NextMarker: str }),
    pagination: { inputToken: 'Marker', outputToken: 'NextMarker', resultKey: 'Certificates' },
    human: (r) =>
      tableOrNone(
        ['certificate', 'default', 'ARN'],
        objs(r.Certificates).map((c) => [arnName(text(c.CertificateArn)), c.IsDefault === true ? 'yes' : 'no', text(c.CertificateArn)]),
        'no certificates',
      ),
  },
  {
    service: 'elbv2',
    action: 'DescribeSSLPolicies',
    description: 'list the TLS policies HTTPS listeners can use: protocols and ciphers',
    params: {
      Names: p(list(str), 'only these policies'),
      Marker: marker,
      PageSize: pageSize,
      LoadBalancerType: p(str, 'application (the only type)'),
    },
    output: struct({ SslPolicies: list(SslPolicy), NextMarker: str }),
    pagination: { inputToken: 'Marker', outputToken: 'NextMarker', resultKey: 'SslPolicies' },
    human: (r) =>
      tableOrNone(
        ['name', 'protocols', 'ciphers'],
        objs(r.SslPolicies).map((s) => [text(s.Name), arr(s.SslProtocols).map(text).join(', '), String(arr(s.Ciphers).length)]),
        'no SSL policies',
      ),
  },

  // ---- rules
  {
    service: 'elbv2',
    action: 'CreateRule',
    description: 'add a rule to a listener: conditions, a priority and actions',
    params: {
      ListenerArn: listenerArn(),
      Conditions: conditions(true),
      Priority: p(int, 'the priority, 1-50000 (lower first), unique in the listener', true),
      Actions: ruleActions(true),
      Tags: tags,
    },
    output: struct({ Rules: list(Rule) }),
    examples: [
      "--listener-arn <listener ARN> --priority 10 --conditions Field=path-pattern,Values='/api/*' --actions Type=forward,TargetGroupArn=<target group ARN>",
      "--listener-arn <listener ARN> --priority 20 --conditions 'Field=host-header,HostHeaderConfig={Values=[old.example.com]}' --actions 'Type=redirect,RedirectConfig={Host=new.example.com,StatusCode=HTTP_301}'",
    ],
    human: (r) => {
      const rule = first(r, 'Rules');
      return `created rule ${text(rule.Priority)} ${text(rule.RuleArn)}`;
    },
  },
  {
    service: 'elbv2',
    action: 'DescribeRules',
    description: "list a listener's rules: priority, conditions, actions, ARN",
    params: {
      ListenerArn: listenerArn('the listener whose rules to list', false),
      RuleArns: p(list(str), 'only these rules (ARNs)'),
      Marker: marker,
      PageSize: pageSize,
    },
    output: struct({ Rules: list(Rule), NextMarker: str }),
    pagination: { inputToken: 'Marker', outputToken: 'NextMarker', resultKey: 'Rules' },
    human: (r) => tableOrNone(ruleHead, ruleRows(objs(r.Rules)), 'no rules'),
  },
  {
    service: 'elbv2',
    action: 'ModifyRule',
    description: "change a rule's conditions or actions",
    params: { RuleArn: ruleArn(), Conditions: conditions(false), Actions: ruleActions(false) },
    output: struct({ Rules: list(Rule) }),
    human: (r) => {
      const rule = first(r, 'Rules');
      return `modified rule ${text(rule.Priority)} ${text(rule.RuleArn)}`;
    },
  },
  {
    service: 'elbv2',
    action: 'DeleteRule',
    description: 'delete a rule (not the default rule)',
    params: { RuleArn: ruleArn() },
    output: empty,
    human: (_r, i) => `deleted rule ${text(i.RuleArn)}`,
  },
  {
    service: 'elbv2',
    action: 'SetRulePriorities',
    description: 'change the priorities of rules of one listener, all at once',
    params: {
      RulePriorities: p(list(struct({ RuleArn: str, Priority: int })), 'the new priorities: RuleArn=arn,Priority=n ...', true),
    },
    output: struct({ Rules: list(Rule) }),
    examples: [
      '--rule-priorities RuleArn=<rule ARN>,Priority=5 RuleArn=<rule ARN>,Priority=6',
    ],
    human: (r) => `set rule priorities: ${objs(r.Rules).map((rule) => `${text(rule.Priority)} ${text(rule.RuleArn)}`).join(', ')}`,
  },

  // ---- tags
  {
    service: 'elbv2',
    action: 'AddTags',
    description: 'add or replace tags of load balancers, target groups, listeners and rules',
    params: {
      ResourceArns: p(list(str), 'the resources (ARNs)', true),
      Tags: p(list(Tag), 'the tags: Key=k,Value=v ...', true),
    },
    output: empty,
    examples: [
      '--resource-arns <ARN> --tags Key=env,Value=dev',
    ],
    human: (_r, i) => `tagged ${plural(arr(i.ResourceArns).length, 'resource')}: ${keyValues(i.Tags)}`,
  },
  {
    service: 'elbv2',
    action: 'RemoveTags',
    description: 'remove tags from resources',
    params: {
      ResourceArns: p(list(str), 'the resources (ARNs)', true),
      TagKeys: p(list(str), 'the keys of the tags to remove', true),
    },
    output: empty,
    human: (_r, i) => `removed tags ${arr(i.TagKeys).map(text).join(', ')} from ${plural(arr(i.ResourceArns).length, 'resource')}`,
  },
  {
    service: 'elbv2',
    action: 'DescribeTags',
    description: 'list the tags of resources',
    params: { ResourceArns: p(list(str), 'the resources (ARNs)', true) },
    output: struct({ TagDescriptions: list(TagDescription) }),
    human: (r) =>
      tableOrNone(
        ['resource', 'key', 'value'],
        objs(r.TagDescriptions).flatMap((d) => objs(d.Tags).map((t) => [arnName(text(d.ResourceArn)), text(t.Key), text(t.Value)])),
        'no tags',
      ),
  },

  // ---- iam server certificates
  {
    service: 'iam',
    action: 'UploadServerCertificate',
    description: 'store a certificate and its private key for HTTPS listeners (the key is encrypted at rest and never returned)',
    params: {
      Path: p(str, 'a path for grouping certificates, /.../ (default: /)'),
      ServerCertificateName: p(str, 'the name: letters, digits and +=,.@_-', true),
      CertificateBody: p(str, 'the certificate, PEM (file://certificate.crt)', true),
      PrivateKey: p(str, 'its private key, PEM, unencrypted (file://private.pem)', true),
      CertificateChain: p(str, 'the intermediate certificates, PEM (file://chain.pem)'),
      Tags: p(list(Tag), 'tags: Key=k,Value=v ...'),
    },
    output: struct({ ServerCertificateMetadata, Tags: list(Tag) }),
    examples: [
      '--server-certificate-name tutorial --certificate-body file://certificate.crt --private-key file://private.pem',
    ],
    human: (r) => {
      const m = obj(r.ServerCertificateMetadata);
      return `uploaded server certificate ${text(m.ServerCertificateName)} ${text(m.Arn)} (expires ${text(m.Expiration)})`;
    },
  },
  {
    service: 'iam',
    action: 'GetServerCertificate',
    description: 'show a server certificate: its metadata and certificate body (never the private key)',
    params: { ServerCertificateName: p(str, 'the certificate (its name)', true) },
    output: struct({ ServerCertificate }),
    human: (r) => {
      const c = obj(r.ServerCertificate);
      const m = obj(c.ServerCertificateMetadata);
      return `${tableOrNone(certMetaHead, [certMetaRow(m)], '')}\n${text(c.CertificateBody).trimEnd()}`;
    },
  },
  {
    service: 'iam',
    action: 'ListServerCertificates',
    description: 'list server certificates: name, id, path, expiry, ARN',
    params: {
      PathPrefix: p(str, 'only certificates whose path starts with this (default: /)'),
      Marker: p(str, 'start at this page (the Marker of an earlier truncated call) and fetch only that page; without it, every page is fetched'),
      MaxItems: p(int, 'results per request, 1-1000'),
    },
    output: struct({ ServerCertificateMetadataList: list(ServerCertificateMetadata), IsTruncated: bool, Marker: str }),
    pagination: { inputToken: 'Marker', outputToken: 'Marker', resultKey: 'ServerCertificateMetadataList', moreResults: 'IsTruncated' },
    human: (r) => tableOrNone(certMetaHead, objs(r.ServerCertificateMetadataList).map(certMetaRow), 'no server certificates'),
  },
  {
    service: 'iam',
    action: 'DeleteServerCertificate',
    description: 'delete a server certificate (refused while a listener uses it)',
    params: { ServerCertificateName: p(str, 'the certificate (its name)', true) },
    output: empty,
    human: (_r, i) => `deleted server certificate ${text(i.ServerCertificateName)}`,
  },

  // ---- ec2 security groups
  {
    service: 'ec2',
    action: 'CreateSecurityGroup',
    description: 'create a security group: a named set of inbound rules for load balancers',
    params: {
      Description: { ...p(str, 'what it is for (up to 255 characters)', true), wire: 'GroupDescription' },
      GroupName: p(str, 'the name, unique (up to 255 characters)', true),
      VpcId: p(str, 'accepted for compatibility; Albatross has one VPC, vpc-local'),
      TagSpecifications: { ...p(list(TagSpecification), 'tags: ResourceType=security-group,Tags=[{Key=k,Value=v}]'), wire: 'TagSpecification' },
      DryRun: { ...p(bool, 'check the request without making it'), wire: 'dryRun' },
    },
    output: struct({ GroupId: str, Tags: wire('tagSet', list(Ec2Tag)) }),
    examples: [
      "--group-name web --description 'web traffic'",
    ],
    human: (r, i) => `created security group ${text(i.GroupName)} ${text(r.GroupId)}`,
  },
  {
    service: 'ec2',
    action: 'DescribeSecurityGroups',
    description: 'list security groups and their inbound rules',
    params: {
      Filters: { ...p(list(Filter), 'filters: Name=group-name,Values=web ...'), wire: 'Filter' },
      GroupIds: { ...p(list(str), 'only these groups (ids)'), wire: 'GroupId' },
      GroupNames: { ...p(list(str), 'only these groups (names)'), wire: 'GroupName' },
      DryRun: { ...p(bool, 'check the request without making it'), wire: 'dryRun' },
      NextToken: p(str, 'start at this page (the NextToken of an earlier call) and fetch only that page; without it, every page is fetched'),
      MaxResults: p(int, 'results per request, 5-1000'),
    },
    output: struct({ SecurityGroups: wire('securityGroupInfo', list(SecurityGroup)), NextToken: str }),
    pagination: { inputToken: 'NextToken', outputToken: 'NextToken', resultKey: 'SecurityGroups' },
    human: (r) =>
      tableOrNone(
        ['group id', 'name', 'description', 'inbound rules'],
        objs(r.SecurityGroups).map((g) => [
          text(g.GroupId),
          text(g.GroupName),
          text(g.Description),
          objs(g.IpPermissions).map(describePermission).join('\n') || '(none)',
        ]),
        'no security groups',
      ),
  },
  {
    service: 'ec2',
    action: 'AuthorizeSecurityGroupIngress',
    description: 'add inbound rules to a security group (--protocol tcp --port 80 --cidr 0.0.0.0/0, or --ip-permissions)',
    params: {
      CidrIp: p(str, 'the source range, with --ip-protocol/--from-port/--to-port'),
      FromPort: p(int, 'the first port of the range'),
      GroupId: p(str, 'the security group (its id)'),
      GroupName: p(str, 'the security group (its name)'),
      IpPermissions: p(list(IpPermission), 'the rules: IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0}] ...'),
      IpProtocol: p(str, 'tcp, udp, icmp or -1 (all)'),
      SourceSecurityGroupName: p(str, 'the source: another security group (its name)'),
      SourceSecurityGroupOwnerId: p(str, "the source group's account"),
      ToPort: p(int, 'the last port of the range'),
      DryRun: { ...p(bool, 'check the request without making it'), wire: 'dryRun' },
      TagSpecifications: { ...p(list(TagSpecification), 'tags for the new rules'), wire: 'TagSpecification' },
    },
    output: struct({ Return: bool, SecurityGroupRules: wire('securityGroupRuleSet', list(SecurityGroupRule)) }),
    examples: [
      '--group-name web --protocol tcp --port 80 --cidr 0.0.0.0/0',
      "--group-id <sg id> --ip-permissions 'IpProtocol=tcp,FromPort=8000,ToPort=8100,IpRanges=[{CidrIp=10.0.0.0/8}]'",
    ],
    human: (_r, i) => `authorized ingress on ${groupRef(i)}: ${permissionsOf(i)}`,
  },
  {
    service: 'ec2',
    action: 'RevokeSecurityGroupIngress',
    description: 'remove inbound rules from a security group (the same forms as authorize-security-group-ingress)',
    params: {
      CidrIp: p(str, 'the source range, with --ip-protocol/--from-port/--to-port'),
      FromPort: p(int, 'the first port of the range'),
      GroupId: p(str, 'the security group (its id)'),
      GroupName: p(str, 'the security group (its name)'),
      IpPermissions: p(list(IpPermission), 'the rules: IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0}] ...'),
      IpProtocol: p(str, 'tcp, udp, icmp or -1 (all)'),
      SourceSecurityGroupName: p(str, 'the source: another security group (its name)'),
      SourceSecurityGroupOwnerId: p(str, "the source group's account"),
      ToPort: p(int, 'the last port of the range'),
      DryRun: { ...p(bool, 'check the request without making it'), wire: 'dryRun' },
      SecurityGroupRuleIds: { ...p(list(str), 'the rules to remove, by id'), wire: 'SecurityGroupRuleId' },
    },
    output: struct({ Return: bool, UnknownIpPermissions: wire('unknownIpPermissionSet', list(IpPermission)) }),
    examples: [
      '--group-name web --protocol tcp --port 80 --cidr 0.0.0.0/0',
    ],
    human: (r, i) => {
      const unknown = objs(r.UnknownIpPermissions);
      return `revoked ingress on ${groupRef(i)}: ${permissionsOf(i)}${unknown.length > 0 ? ` (not found: ${unknown.map(describePermission).join('; ')})` : ''}`;
    },
  },
  {
    service: 'ec2',
    action: 'DeleteSecurityGroup',
    description: 'delete a security group (refused while a load balancer uses it)',
    params: {
      GroupId: p(str, 'the security group (its id)'),
      GroupName: p(str, 'the security group (its name)'),
      DryRun: { ...p(bool, 'check the request without making it'), wire: 'dryRun' },
    },
    output: empty,
    human: (_r, i) => `deleted security group ${groupRef(i)}`,
  },
];

/** `CreateTargetGroup` → `create-target-group`, as botocore's `xform_name` (`DescribeSSLPolicies` → `describe-ssl-policies`). */
export function kebabName(name: string): string {
  let s = name;
  const special = /[A-Z]{2,}s$/.exec(s);
  if (special) s = `${s.slice(0, -special[0].length)}-${special[0].toLowerCase()}`;
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1-$2');
  s = s.replace(/([a-z0-9])([A-Z])/g, '$1-$2');
  return s.toLowerCase();
}
