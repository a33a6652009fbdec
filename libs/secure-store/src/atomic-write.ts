import { randomUUID } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Prefix of in-flight files; readers never look at them, and a crash can leave one behind (never a final file). */
export const TEMPORARY_FILE_PREFIX = '.tmp-';

/**
 * Writes `data` so `path` either keeps its old state or has all of `data`, even across a crash or power loss:
 * write a temporary file in the same directory, fsync it, rename it over `path` (atomic within a file system),
 * then fsync the directory so the rename itself is durable. On failure the temporary file is removed.
 */
export async function writeFileAtomically(path: string, data: Uint8Array, mode = 0o600): Promise<void> {
  const directory = dirname(path);
  const temporaryPath = join(directory, `${TEMPORARY_FILE_PREFIX}${basename(path)}-${randomUUID()}`);
  try {
    const file = await open(temporaryPath, 'wx', mode);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporaryPath, path);
  } catch (error) {
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
