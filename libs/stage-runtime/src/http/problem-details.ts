import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `applicant.myNumber`, or `header.Idempotency-Key`. */
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** An error that is meant for the client, rendered as RFC 9457 problem details. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly problemType: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors: readonly FieldProblem[] = [],
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ?? title);
  }
}

export function validationProblem(
  errors: readonly FieldProblem[],
  detail = 'The request has invalid fields.',
): ProblemError {
  return new ProblemError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'validation-error',
    'Invalid request',
    detail,
    errors,
  );
}

const TYPE_BASE = 'https://mynumbercard-pipeline.example/problems/';
/** Members the filter sets itself: an extension may not override them. */
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'errors', 'instance']);

/** Every error leaves as application/problem+json; unexpected ones say nothing about internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly onUnexpected: (error: unknown, request: Request) => void) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    let body: Record<string, unknown>;
    let status: number;
    if (exception instanceof ProblemError) {
      status = exception.status;
      body = {
        type: TYPE_BASE + exception.problemType,
        title: exception.title,
        status,
        ...(exception.detail ? { detail: exception.detail } : {}),
        ...(exception.errors.length > 0 ? { errors: exception.errors } : {}),
        ...Object.fromEntries(
          Object.entries(exception.extensions).filter(([name]) => !STANDARD_MEMBERS.has(name)),
        ),
      };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const res = exception.getResponse();
      const detail =
        typeof res === 'string' ? res : ((res as { message?: unknown }).message ?? exception.message);
      body = {
        type: status === 404 ? TYPE_BASE + 'not-found' : 'about:blank',
        // With about:blank the title is the status's reason phrase (RFC 9457 §4.2.1).
        title: STATUS_CODES[status] ?? 'Error',
        status,
        detail: Array.isArray(detail) ? detail.join('; ') : String(detail),
      };
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      try {
        this.onUnexpected(exception, request);
      } catch {
        // Reporting failed; the client still gets its 500.
      }
      body = { type: 'about:blank', title: 'Internal Server Error', status };
    }
    response
      .status(status)
      .type('application/problem+json')
      .send({ ...body, instance: request.originalUrl });
  }
}
