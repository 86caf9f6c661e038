/**
 * The one catalogue of errors the control plane raises. Codes and HTTP statuses are AWS's,
 * so the API can render them as AWS error XML and the AWS CLI shows what users expect.
 */
/** AWS error codes Albatross answers with, and their HTTP status. */
export const errorStatus = {
  // elasticloadbalancing
  ValidationError: 400,
  InvalidConfigurationRequest: 400,
  TargetGroupNotFound: 400,
  LoadBalancerNotFound: 400,
  ListenerNotFound: 400,
  RuleNotFound: 400,
  DuplicateTargetGroupName: 400,
  DuplicateLoadBalancerName: 400,
  DuplicateListener: 400,
  DuplicateTagKeys: 400,
  ResourceInUse: 400,
  InvalidTarget: 400,
  TargetGroupAssociationLimit: 400,
  IncompatibleProtocols: 400,
  UnsupportedProtocol: 400,
  PriorityInUse: 400,
  TooManyRules: 400,
  TooManyTargets: 400,
  TooManyTags: 400,
  TooManyActions: 400,
  TooManyConditionValues: 400,
  TooManyCertificates: 400,
  CertificateNotFound: 400,
  SSLPolicyNotFound: 400,
  InvalidSecurityGroup: 400,
  InvalidSubnet: 400,
  InvalidScheme: 400,
  OperationNotPermitted: 400,
  // common to the Query APIs
  InvalidAction: 400,
  MissingAction: 400,
  MissingParameter: 400,
  InvalidParameterValue: 400,
  InvalidParameterCombination: 400,
  MalformedQueryString: 404,
  RequestEntityTooLarge: 413,
  InternalFailure: 500,
  // iam
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  DeleteConflict: 409,
  LimitExceeded: 409,
  MalformedCertificate: 400,
  KeyPairMismatch: 400,
  InvalidInput: 400,
  // ec2
  'InvalidGroup.NotFound': 400,
  'InvalidGroup.Duplicate': 400,
  'InvalidGroupId.Malformed': 400,
  'InvalidPermission.Duplicate': 400,
  'InvalidPermission.NotFound': 400,
  'InvalidPermission.Malformed': 400,
  DependencyViolation: 400,
  'InvalidVpcID.NotFound': 400,
  'InvalidSecurityGroupRuleId.NotFound': 400,
  RulesPerSecurityGroupLimitExceeded: 400,
  DryRunOperation: 412,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** One problem found while validating input; `path` names where it is (`targetGroups[0].port`). */
export interface Problem {
  path: string;
  message: string;
  code: ErrorCode;
}

export class AlbatrossError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  /** Every problem found, when the error reports a whole invalid document. */
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, problems: readonly Problem[] = [], httpStatus: number = errorStatus[code]) {
    super(message);
    this.name = 'AlbatrossError';
    this.code = code;
    this.httpStatus = httpStatus;
    this.problems = problems;
  }

  static fromProblems(problems: readonly Problem[]): AlbatrossError {
    const first = problems[0]!;
    const message = problems.length === 1
      ? `${first.path}: ${first.message}`
      : `${problems.length} problems:\n` + problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
    return new AlbatrossError(first.code, message, problems);
  }
}

/** Collects problems under a path prefix, so nested validators report `a.b[2].c`. */
export class Problems {
  readonly list: Problem[] = [];

  add(path: string, message: string, code: ErrorCode = 'ValidationError'): void {
    this.list.push({ path, message, code });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** Throws an AlbatrossError carrying every problem, if there is any. */
  throwIfAny(): void {
    if (this.list.length > 0) throw AlbatrossError.fromProblems(this.list);
  }
}
