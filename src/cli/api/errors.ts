/** The failures of an API call the CLI shows to people (kept apart from the client, which loads the XML parser). */

/** An error response of the API (or an HTTP failure without one): shown as the AWS CLI shows it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly action: string,
    readonly httpStatus: number,
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** `An error occurred (DuplicateTargetGroupName) when calling the CreateTargetGroup operation: ...` */
  get display(): string {
    return `An error occurred (${this.code}) when calling the ${this.action} operation: ${this.message}`;
  }
}

/** The endpoint could not be reached (the AWS CLI: `Could not connect to the endpoint URL`). */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}
