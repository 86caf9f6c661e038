/**
 * The one catalogue of errors the control plane raises. Codes and HTTP statuses are AWS's,
 * so the API can render them as AWS error XML and the AWS CLI shows what users expect.
 */
export type ErrorCode =
  | 'ValidationError'
  | 'InvalidConfigurationRequest'
  | 'TargetGroupNotFound'
  | 'LoadBalancerNotFound'
  | 'ListenerNotFound'
  | 'RuleNotFound'
  | 'DuplicateTargetGroupName'
  | 'DuplicateLoadBalancerName'
  | 'DuplicateListener'
  | 'ResourceInUse'
  | 'InvalidTarget'
  | 'TargetGroupAssociationLimit'
  | 'IncompatibleProtocols'
  | 'UnsupportedProtocol'
  | 'PriorityInUse'
  | 'CertificateNotFound'
  | 'OperationNotPermitted';

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

  constructor(code: ErrorCode, message: string, problems: readonly Problem[] = [], httpStatus = 400) {
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
