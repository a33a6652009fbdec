import { formatPcscCode, ReaderUnavailableError } from './errors';
import { pcscReturnCodeOf } from './pcsc-return-codes';
import { closeContext, trackReader } from './pcsclite-handles';

/**
 * The readers pcscd knows: a preflight check for a lane (or a test) before it waits for cards. Resolves as
 * soon as a reader starting with `expectPrefix` shows up, otherwise with whatever was listed after timeoutMs.
 * Rejects with ReaderUnavailableError when pcscd is not reachable.
 */
export async function listPcscReaders(
  options: { expectPrefix?: string; timeoutMs?: number } = {},
): Promise<string[]> {
  const { default: createContext } = await import('pcsclite');
  let context: ReturnType<typeof createContext>;
  try {
    context = createContext();
  } catch (error) {
    throw new ReaderUnavailableError(
      'pcscd',
      `not reachable (PC/SC ${formatPcscCode(pcscReturnCodeOf(error))})`,
      { cause: error },
    );
  }
  try {
    return await new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      const timer = setTimeout(() => resolve(seen), options.timeoutMs ?? 2000);
      context.on('error', () => undefined);
      context.on('reader', (reader) => {
        trackReader(reader);
        reader.on('error', () => undefined);
        seen.push(reader.name);
        if (options.expectPrefix !== undefined && reader.name.startsWith(options.expectPrefix)) {
          clearTimeout(timer);
          resolve(seen);
        }
      });
    });
  } finally {
    await closeContext(context);
  }
}
