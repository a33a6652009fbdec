import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * Stand-ins for the photo screening review API and the encode lanes' /v1/lanes API, speaking exactly the
 * contract the dashboard expects (docs/dashboard.md), until those services expose it themselves. They keep
 * what they were told so a test can check that the dashboard's buttons reached the service.
 */
export interface RunningStub {
  readonly url: string;
  readonly calls: { method: string; path: string; body: unknown }[];
  stop(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
  });
  response.end(JSON.stringify(value));
}

async function serve(
  handle: (method: string, path: string, body: unknown, response: ServerResponse) => Promise<void> | void,
): Promise<RunningStub> {
  const calls: RunningStub['calls'] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const payload = request.method === 'POST' ? await body(request) : undefined;
      const path = request.url ?? '/';
      calls.push({ method: request.method ?? 'GET', path, body: payload });
      await handle(request.method ?? 'GET', path, payload, response);
    })().catch((error: unknown) => json(response, 500, { title: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A synthetic portrait: a plain background and a grey oval, no person in it. */
function syntheticPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="540"><rect width="420" height="540" fill="#dfe6ee"/>
<ellipse cx="200" cy="250" rx="105" ry="140" fill="#b9a48f"/><circle cx="160" cy="225" r="10" fill="#333"/><circle cx="245" cy="232" r="10" fill="#333"/>
<rect x="80" y="400" width="250" height="140" rx="60" fill="#44546a"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

function syntheticCardFace(n: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="342" height="216"><rect width="342" height="216" rx="12" fill="#f3efe4"/>
<text x="16" y="30" font-size="14" font-family="sans-serif">個人番号カード (synthetic #${n})</text>
<rect x="236" y="48" width="90" height="115" fill="#c9ced6"/><rect x="16" y="60" width="200" height="10" fill="#999"/>
<rect x="16" y="84" width="170" height="10" fill="#999"/><rect x="16" y="108" width="120" height="10" fill="#999"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface ReviewStubItem {
  applicationId: string;
  state: 'open' | 'claimed';
  claimedBy?: string;
  route: 'normal' | 'express';
  queuedAt: string;
}

export async function startPhotoScreeningStub(
  items: ReviewStubItem[],
): Promise<RunningStub & { decided: Map<string, string> }> {
  const photo = await syntheticPhoto();
  const decided = new Map<string, string>();
  const view = (i: ReviewStubItem) => ({
    ...i,
    image: { width: 420, height: 540 },
    face: {
      box: { x: 95, y: 110, width: 210, height: 280 },
      leftEye: { x: 160, y: 225 },
      rightEye: { x: 245, y: 232 },
    },
    checks: [
      {
        code: 'HEAD_POSE_ROLL',
        status: 'amber',
        value: 5.4,
        threshold: '≤ 8°, review above 5°',
        message: 'Head tilted',
      },
      { code: 'EYE_LINE_HEIGHT', status: 'green', value: 0.58, threshold: '0.50–0.70 of height' },
      {
        code: 'INTER_EYE_DISTANCE',
        status: 'red',
        value: 85,
        threshold: '≥ 90 px',
        message: 'Eyes too close for the chip image',
      },
    ],
  });
  const stub = await serve((method, path, payload, response) => {
    if (method === 'GET' && path.startsWith('/v1/reviews?'))
      return json(response, 200, { items: items.map(view) });
    const match = /^\/v1\/reviews\/([0-9a-f-]{36})\/(photo|claim|approve|reject)$/.exec(path);
    const item = match && items.find((i) => i.applicationId === match[1]);
    if (!match || !item)
      return json(response, 404, {
        type: 'https://mynumbercard-pipeline.example/problems/not-found',
        title: 'Not Found',
        detail: 'no such review',
      });
    const reviewer = (payload as { reviewer?: string } | undefined)?.reviewer ?? '';
    if (match[2] === 'photo') {
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      response.end(photo);
      return;
    }
    if (match[2] === 'claim') {
      if (item.state === 'claimed' && item.claimedBy !== reviewer)
        return json(response, 409, { title: 'Claimed by another reviewer' });
      Object.assign(item, { state: 'claimed', claimedBy: reviewer });
      return json(response, 200, view(item));
    }
    if (item.claimedBy !== reviewer) return json(response, 409, { title: 'Claim the review first' });
    decided.set(item.applicationId, match[2]);
    items.splice(items.indexOf(item), 1);
    return json(response, 200, { applicationId: item.applicationId, decision: match[2] });
  });
  return { ...stub, decided };
}

export interface LaneStubState {
  id: string;
  state: 'running' | 'paused' | 'draining' | 'drained';
}

export async function startLaneStub(lanes: LaneStubState[]): Promise<RunningStub> {
  const faces = await Promise.all([1, 2, 3].map(syntheticCardFace));
  return serve((method, path, _payload, response) => {
    if (method === 'GET' && path === '/v1/lanes') {
      return json(response, 200, {
        lanes: lanes.map((l, i) => ({
          ...l,
          pool: 'lanes',
          cardsPerHour: 400 + i * 17,
          spoilRate: 0.012,
          reader: { name: `Virtual PCD 00 0${i}`, present: true, healthy: true },
          ...(l.state === 'running'
            ? { currentCard: { applicationId: '01936f2e-7c1a-7b3d-9e4f-000000000001', attempt: 1 } }
            : {}),
        })),
      });
    }
    const command = /^\/v1\/lanes\/([a-z0-9-]+)\/(pause|drain|resume)$/.exec(path);
    const lane = command && lanes.find((l) => l.id === command[1]);
    if (method === 'POST' && command && lane) {
      lane.state = command[2] === 'pause' ? 'paused' : command[2] === 'drain' ? 'draining' : 'running';
      return json(response, 200, lane);
    }
    const list = /^\/v1\/lanes\/([a-z0-9-]+)\/card-faces\?limit=\d+$/.exec(path);
    if (method === 'GET' && list) {
      return json(response, 200, {
        items: [1, 2, 3].map((n) => ({
          cardId: `01936f2e-7c1a-7b3d-9e4f-00000000000${n}`,
          applicationId: `01936f2e-7c1a-7b3d-9e4f-10000000000${n}`,
          encodedAt: new Date().toISOString(),
          front: `/v1/lanes/${list[1]}/card-faces/${n}.png`,
        })),
      });
    }
    const image = /^\/v1\/lanes\/[a-z0-9-]+\/card-faces\/(\d)\.png$/.exec(path);
    if (method === 'GET' && image) {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(faces[Number(image[1]) - 1]);
      return;
    }
    return json(response, 404, { title: 'Not Found', detail: `Cannot ${method} ${path}` });
  });
}
