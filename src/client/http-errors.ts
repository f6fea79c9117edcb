/** The server answered with an error envelope (or at least an error status). */
export class WorkflowsApiError extends Error {
  override readonly name = 'WorkflowsApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** `details.issues`, when the server listed what was wrong. */
  get issues(): string[] {
    const issues = this.details?.issues;
    return Array.isArray(issues) ? issues.map(String) : [];
  }
}

/** The server could not be reached, or did not answer in time. */
export class WorkflowsNetworkError extends Error {
  override readonly name = 'WorkflowsNetworkError';

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`Cannot reach ${url}: ${reason}`);
  }
}
