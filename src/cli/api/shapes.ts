/**
 * The shapes of the API's inputs and outputs, as the AWS CLI knows them from botocore's service
 * models (elasticloadbalancingv2 2015-12-01, iam 2010-05-08, ec2 2016-11-15): which members a
 * structure has, in the model's order, and their types. The CLI needs them to read shorthand
 * and JSON arguments, to write Query parameters, and to turn XML responses into the JSON the
 * AWS CLI prints (lists, numbers, booleans and timestamps in their places, AWS's member names).
 *
 * Only the members Albatross uses are listed; test/integration/cli-api-aws-model.test.ts checks
 * every one against botocore's model (names, types, order, EC2's wire names).
 */

export type ScalarType = 'string' | 'integer' | 'long' | 'boolean' | 'timestamp';

export type Shape = ScalarShape | ListShape | StructureShape;

export interface ScalarShape {
  readonly type: ScalarType;
}

export interface ListShape {
  readonly type: 'list';
  readonly member: Shape;
}

export interface StructureShape {
  readonly type: 'structure';
  readonly members: Readonly<Record<string, Member>>;
}

export interface Member {
  readonly shape: Shape;
  /**
   * EC2 only: the member's name on the wire (botocore's `locationName`). In responses the element
   * is named so (default: the member name with a lower-case first letter); in requests the
   * parameter is named so with an upper-case first letter (default: the member name).
   */
  readonly wire?: string;
}

export const str: ScalarShape = { type: 'string' };
export const int: ScalarShape = { type: 'integer' };
export const long: ScalarShape = { type: 'long' };
export const bool: ScalarShape = { type: 'boolean' };
export const time: ScalarShape = { type: 'timestamp' };

export function list(member: Shape): ListShape {
  return { type: 'list', member };
}

/** A structure; members are shapes, or `wire(name, shape)` for EC2's renamed members. */
export function struct(members: Readonly<Record<string, Shape | Member>>): StructureShape {
  const out: Record<string, Member> = {};
  for (const [name, m] of Object.entries(members)) out[name] = 'shape' in m ? m : { shape: m };
  return { type: 'structure', members: out };
}

export function wire(name: string, shape: Shape): Member {
  return { shape, wire: name };
}

export const empty: StructureShape = struct({});

/** Name of a member's element in an EC2 response. */
export function ec2XmlName(name: string, member: Member): string {
  return member.wire ?? name.charAt(0).toLowerCase() + name.slice(1);
}

/** Name of a member's parameter in an EC2 request. */
export function ec2QueryName(name: string, member: Member): string {
  const n = member.wire ?? name;
  return n.charAt(0).toUpperCase() + n.slice(1);
}

// ---------------------------------------------------------------------------------------------
// elasticloadbalancing (elbv2)

export const Tag = struct({ Key: str, Value: str });
export const Tags = list(Tag);

export const SubnetMapping = struct({ SubnetId: str, AllocationId: str, PrivateIPv4Address: str, IPv6Address: str });

export const LoadBalancer = struct({
  LoadBalancerArn: str,
  DNSName: str,
  CanonicalHostedZoneId: str,
  CreatedTime: time,
  LoadBalancerName: str,
  Scheme: str,
  VpcId: str,
  State: struct({ Code: str, Reason: str }),
  Type: str,
  AvailabilityZones: list(
    struct({
      ZoneName: str,
      SubnetId: str,
      OutpostId: str,
      LoadBalancerAddresses: list(struct({ IpAddress: str, AllocationId: str, PrivateIPv4Address: str, IPv6Address: str })),
    }),
  ),
  SecurityGroups: list(str),
  IpAddressType: str,
  CustomerOwnedIpv4Pool: str,
});

export const Attribute = struct({ Key: str, Value: str });

export const Matcher = struct({ HttpCode: str, GrpcCode: str });

export const TargetGroup = struct({
  TargetGroupArn: str,
  TargetGroupName: str,
  Protocol: str,
  Port: int,
  VpcId: str,
  HealthCheckProtocol: str,
  HealthCheckPort: str,
  HealthCheckEnabled: bool,
  HealthCheckIntervalSeconds: int,
  HealthCheckTimeoutSeconds: int,
  HealthyThresholdCount: int,
  UnhealthyThresholdCount: int,
  HealthCheckPath: str,
  Matcher,
  LoadBalancerArns: list(str),
  TargetType: str,
  ProtocolVersion: str,
  IpAddressType: str,
});

export const TargetDescription = struct({ Id: str, Port: int, AvailabilityZone: str });

export const TargetHealthDescription = struct({
  Target: TargetDescription,
  HealthCheckPort: str,
  TargetHealth: struct({ State: str, Reason: str, Description: str }),
});

export const Certificate = struct({ CertificateArn: str, IsDefault: bool });

export const Action = struct({
  Type: str,
  TargetGroupArn: str,
  Order: int,
  RedirectConfig: struct({ Protocol: str, Port: str, Host: str, Path: str, Query: str, StatusCode: str }),
  FixedResponseConfig: struct({ MessageBody: str, StatusCode: str, ContentType: str }),
  ForwardConfig: struct({
    TargetGroups: list(struct({ TargetGroupArn: str, Weight: int })),
    TargetGroupStickinessConfig: struct({ Enabled: bool, DurationSeconds: int }),
  }),
});

export const Listener = struct({
  ListenerArn: str,
  LoadBalancerArn: str,
  Port: int,
  Protocol: str,
  Certificates: list(Certificate),
  SslPolicy: str,
  DefaultActions: list(Action),
  AlpnPolicy: list(str),
});

const values = struct({ Values: list(str) });

export const RuleCondition = struct({
  Field: str,
  Values: list(str),
  HostHeaderConfig: values,
  PathPatternConfig: values,
  HttpHeaderConfig: struct({ HttpHeaderName: str, Values: list(str) }),
  QueryStringConfig: struct({ Values: list(struct({ Key: str, Value: str })) }),
  HttpRequestMethodConfig: values,
  SourceIpConfig: values,
});

export const Rule = struct({
  RuleArn: str,
  Priority: str,
  Conditions: list(RuleCondition),
  Actions: list(Action),
  IsDefault: bool,
});

export const SslPolicy = struct({
  SslProtocols: list(str),
  Ciphers: list(struct({ Name: str, Priority: int })),
  Name: str,
  SupportedLoadBalancerTypes: list(str),
});

export const TagDescription = struct({ ResourceArn: str, Tags });

// ---------------------------------------------------------------------------------------------
// iam

export const ServerCertificateMetadata = struct({
  Path: str,
  ServerCertificateName: str,
  ServerCertificateId: str,
  Arn: str,
  UploadDate: time,
  Expiration: time,
});

export const ServerCertificate = struct({
  ServerCertificateMetadata,
  CertificateBody: str,
  CertificateChain: str,
  Tags,
});

// ---------------------------------------------------------------------------------------------
// ec2 (elements in lowerCamel case, lists of <item>)

export const Ec2Tag = struct({ Key: str, Value: str });

export const TagSpecification = struct({
  ResourceType: str,
  Tags: wire('Tag', list(Ec2Tag)),
});

export const IpPermission = struct({
  FromPort: int,
  IpProtocol: str,
  IpRanges: list(struct({ CidrIp: str, Description: str })),
  Ipv6Ranges: list(struct({ CidrIpv6: str, Description: str })),
  PrefixListIds: list(struct({ Description: str, PrefixListId: str })),
  ToPort: int,
  UserIdGroupPairs: wire('groups', list(struct({ Description: str, GroupId: str, GroupName: str, UserId: str, VpcId: str }))),
});

export const SecurityGroup = struct({
  Description: wire('groupDescription', str),
  GroupName: str,
  IpPermissions: list(IpPermission),
  OwnerId: str,
  GroupId: str,
  IpPermissionsEgress: list(IpPermission),
  Tags: wire('tagSet', list(Ec2Tag)),
  VpcId: str,
});

export const SecurityGroupRule = struct({
  SecurityGroupRuleId: str,
  GroupId: str,
  GroupOwnerId: str,
  IsEgress: bool,
  IpProtocol: str,
  FromPort: int,
  ToPort: int,
  CidrIpv4: str,
  CidrIpv6: str,
  Description: str,
  Tags: wire('tagSet', list(Ec2Tag)),
});

export const Filter = struct({ Name: str, Values: wire('Value', list(str)) });
