import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';

/** body-parser's error types (stable, documented), as the field problem a client can act on. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'JSON', message: 'body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'TOO_LARGE', message: 'body is too large' },
  'encoding.unsupported': {
    status: 415,
    code: 'ENCODING',
    message: 'body has an unsupported content encoding',
  },
  'charset.unsupported': { status: 415, code: 'CHARSET', message: 'body has an unsupported charset' },
  'request.aborted': { status: 400, code: 'ABORTED', message: 'body was cut short' },
  'request.size.invalid': { status: 400, code: 'SIZE', message: 'body does not match its Content-Length' },
};

/**
 * Requests whose body cannot be read never reach a controller: body-parser hands the error to Express. This
 * handler, registered after the routes and before Nest's own, answers them as problem details naming the
 * body (Nest would turn a 413 into a 500).
 */
@Injectable()
export class RequestBodyErrors implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const express = this.adapterHost.httpAdapter?.getInstance() as
      | { use(handler: (error: unknown, req: Request, res: Response, next: NextFunction) => void): void }
      | undefined;
    express?.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
      const type = (error as { type?: unknown }).type;
      const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
      if (!known || response.headersSent) return next(error);
      response
        .status(known.status)
        .type('application/problem+json')
        .send({
          type: 'https://mynumbercard-pipeline.example/problems/invalid-body',
          title: 'The request body cannot be read',
          status: known.status,
          errors: [{ field: 'body', code: known.code, message: known.message }],
          instance: request.originalUrl,
        });
    });
  }
}
