// The loopback control API a test or a lane uses to feed cards:
//   POST /cards/blank          {"profile"?: "legacy-rsa2048" | "next-gen"}  → 201 {serial, present}
//   POST /cards/:serial/insert                                             → 200 {serial, present}
//   POST /eject                                                            → 200 {ejected: serial | null}
//   GET  /cards/:serial       → 200 summary: files (no contents), PIN objects (set, tries left; never the
//                                value), key objects (generated or not; never the key), life-cycle state
// Errors are JSON {error: code, message}.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CardProfile, InvalidCardStateError, isCardProfile } from '@mnc/virtual-card';
import { CardNotFoundError, CardSlot } from './card-slot';
import { isCardSerial } from './card-store';

const MAX_BODY_BYTES = 4096;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export class ControlServer {
  private readonly server: http.Server;

  constructor(
    private readonly slot: CardSlot,
    private readonly log: (event: string, fields?: Record<string, unknown>) => void,
  ) {
    this.server = http.createServer((request, response) => void this.handle(request, response));
  }

  /** Listens on 127.0.0.1 only: the API inserts cards into a PC/SC reader and has no authentication. */
  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.route(request);
    } catch (error) {
      reply = this.errorReply(error);
    }
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(`${JSON.stringify(reply.body)}\n`);
    this.log('http-request', { method: request.method, path: request.url, status: reply.status });
  }

  private async route(request: http.IncomingMessage): Promise<Reply> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = request.method ?? 'GET';
    const cardPath = /^\/cards\/([^/]+)(\/insert)?$/.exec(path);

    if (path === '/cards/blank') {
      requireMethod(method, 'POST');
      const body = await readJson(request);
      const profile = (body as { profile?: unknown } | undefined)?.profile ?? 'legacy-rsa2048';
      if (!isCardProfile(profile))
        throw new HttpError(400, 'unknown-profile', `profile must be legacy-rsa2048 or next-gen`);
      return { status: 201, body: await this.slot.insertBlank(profile as CardProfile) };
    }
    if (path === '/eject') {
      requireMethod(method, 'POST');
      return { status: 200, body: { ejected: (await this.slot.eject()) ?? null } };
    }
    if (cardPath !== null) {
      const serial = cardPath[1].toUpperCase();
      if (!isCardSerial(serial)) throw new HttpError(400, 'bad-serial', 'a serial is 16 hex digits');
      if (cardPath[2] !== undefined) {
        requireMethod(method, 'POST');
        return { status: 200, body: await this.slot.insert(serial) };
      }
      requireMethod(method, 'GET');
      return { status: 200, body: this.slot.summary(serial) };
    }
    throw new HttpError(404, 'not-found', `no route ${method} ${path}`);
  }

  private errorReply(error: unknown): Reply {
    if (error instanceof HttpError)
      return { status: error.status, body: { error: error.code, message: error.message } };
    if (error instanceof CardNotFoundError)
      return { status: 404, body: { error: 'card-not-found', message: error.message } };
    if (error instanceof InvalidCardStateError) {
      return { status: 500, body: { error: 'invalid-card-state', message: error.message } };
    }
    this.log('http-internal-error', { error: String(error) });
    return { status: 500, body: { error: 'internal', message: 'internal error' } };
  }
}

function requireMethod(actual: string, expected: string): void {
  if (actual !== expected) throw new HttpError(405, 'method-not-allowed', `use ${expected}`);
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body-too-large', `at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'bad-json', 'the body is not JSON');
  }
}
