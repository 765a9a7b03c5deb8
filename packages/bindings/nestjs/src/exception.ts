import { HttpException } from '@nestjs/common';
import type { OncelyError, ProblemDetails } from '@oncely/core';

/**
 * A 400/409/422/503 problem, with `problems: "throw"`, for the app's exception filters
 * (`@Catch(IdempotencyException)`). Its response is the RFC 9457 body; a filter that renders it
 * should also set `headers` (`Retry-After` on 409 and 503).
 */
export class IdempotencyException extends HttpException {
  /** The problem's code, e.g. `"conflict"` (the `OncelyError`'s). */
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly problem: ProblemDetails['problem'];

  constructor(error: OncelyError & ProblemDetails) {
    super(error.problem, error.problem.status, { cause: error });
    this.code = error.code;
    this.headers = error.headers;
    this.problem = error.problem;
  }
}
