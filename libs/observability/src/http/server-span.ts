import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Express/Connect middleware: each request runs inside a SERVER span, so events an HTTP request causes (an
 * application submitted at a counter) start the trace that every later stage continues.
 */
export function serverSpanMiddleware(service: string) {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const tracer = trace.getTracer(service);
    const path = (request.url ?? '/').split('?')[0];
    const span = tracer.startSpan(`${request.method} ${path}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method ?? 'GET', 'url.path': path },
    });
    response.once('finish', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}
