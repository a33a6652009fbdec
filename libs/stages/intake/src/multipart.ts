import type { Request, Response } from 'express';
import { ProblemError, validationProblem } from '@mnc/stage-runtime';
import { MAX_PHOTO_BYTES } from './photo';

// multer ships with @nestjs/platform-express and has no type declarations of its own.
const multer = require('multer') as (options: unknown) => {
  fields(
    fields: { name: string; maxCount: number }[],
  ): (req: Request, res: Response, next: (error?: unknown) => void) => void;
};

/** Form fields: `application` (the submission as JSON, without `photo`) and the `photo` file. */
export const MAX_APPLICATION_FIELD_BYTES = 64 * 1024;

const upload = multer({
  storage: (require('multer') as { memoryStorage(): unknown }).memoryStorage(),
  limits: {
    fileSize: MAX_PHOTO_BYTES,
    files: 1,
    fields: 1,
    parts: 2,
    fieldSize: MAX_APPLICATION_FIELD_BYTES,
    fieldNameSize: 100,
  },
}).fields([{ name: 'photo', maxCount: 1 }]);

export interface MultipartSubmission {
  readonly application: unknown;
  readonly photo?: { readonly bytes: Buffer; readonly mediaType: string };
}

/** The multer error codes (stable, documented), mapped to the field they concern. */
const MULTER_FIELDS: Record<string, { field: string; code: string; message: string }> = {
  LIMIT_FILE_SIZE: {
    field: 'photo',
    code: 'PHOTO_TOO_LARGE',
    message: `photo must be at most ${MAX_PHOTO_BYTES} bytes`,
  },
  LIMIT_FILE_COUNT: { field: 'photo', code: 'TOO_MANY_FILES', message: 'photo must be a single file' },
  LIMIT_UNEXPECTED_FILE: { field: 'photo', code: 'UNEXPECTED_FILE', message: 'photo is the only file field' },
  LIMIT_FIELD_VALUE: {
    field: 'application',
    code: 'TOO_LONG',
    message: `application must be at most ${MAX_APPLICATION_FIELD_BYTES} bytes`,
  },
};

/** Reads a multipart/form-data submission into memory under the limits above. */
export async function readMultipartSubmission(
  request: Request,
  response: Response,
): Promise<MultipartSubmission> {
  try {
    await new Promise<void>((resolve, reject) =>
      upload(request, response, (error) => (error ? reject(error) : resolve())),
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const known = typeof code === 'string' ? MULTER_FIELDS[code] : undefined;
    if (known) {
      throw new ProblemError(
        known.code === 'PHOTO_TOO_LARGE' ? 413 : 422,
        'validation-error',
        'Invalid request',
        known.message,
        [known],
      );
    }
    throw validationProblem([
      {
        field: 'body',
        code: 'MULTIPART',
        message: 'body is not a well-formed multipart/form-data body with the fields application and photo',
      },
    ]);
  }
  const body = request.body as Record<string, unknown>;
  const files = (request as Request & { files?: Record<string, { buffer: Buffer; mimetype: string }[]> })
    .files;
  const file = files?.['photo']?.[0];
  const raw = body['application'];
  if (typeof raw !== 'string') {
    throw validationProblem([
      { field: 'application', code: 'REQUIRED', message: 'application is required (the submission as JSON)' },
    ]);
  }
  let application: unknown;
  try {
    application = JSON.parse(raw);
  } catch {
    throw validationProblem([{ field: 'application', code: 'JSON', message: 'application must be JSON' }]);
  }
  return { application, ...(file ? { photo: { bytes: file.buffer, mediaType: file.mimetype } } : {}) };
}
