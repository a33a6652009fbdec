// Closing pcsclite handles so the process can exit. pcsclite@1.0.1 has two races that leave a libuv async
// handle open forever (the process then never exits):
// - A CardReader's status thread closes its async handle only from inside its polling loop, on the pass
//   after close() was requested. If close() lands before the thread entered the loop, or in the instant
//   between reporting a status and blocking again, the thread leaves without closing it. So a reader is
//   closed only after it has reported a status and then been quiet for a moment (it is then blocked in
//   SCardGetStatusChange, where close() cancels it properly).
// - pcsclite() starts the context's thread on process.nextTick; a close() before that (easy from promise
//   code, which runs ahead of nextTick callbacks queued meanwhile) is a no-op and the thread starts anyway.
import type pcsclite from 'pcsclite';

type PcscContext = pcsclite.PCSCLite;
type PcscReader = pcsclite.CardReader;

/** Long enough for the status thread to get from its last report back into the blocking call. */
const QUIET_BEFORE_CLOSE_MS = 50;

interface ReaderActivity {
  readonly firstReport: Promise<void>;
  lastReportAt: number;
}

const activity = new WeakMap<PcscReader, ReaderActivity>();

/** Call from the 'reader' event, before anything can close the reader. Idempotent. */
export function trackReader(reader: PcscReader): void {
  if (activity.has(reader)) return;
  let reported: () => void = () => undefined;
  const entry: ReaderActivity = {
    firstReport: new Promise<void>((resolve) => (reported = resolve)),
    lastReportAt: 0,
  };
  activity.set(reader, entry);
  reader.on('status', () => {
    entry.lastReportAt = Date.now();
    reported();
  });
  // An ended reader's thread is gone and its handle closed: nothing left to race with.
  reader.once('end', () => {
    entry.lastReportAt = 0;
    reported();
  });
}

/** Closes every reader of the context (each when its status thread is safe to stop), then the context. */
export async function closeContext(context: PcscContext, settleTimeoutMs = 2000): Promise<void> {
  // A macrotask boundary: by then the deferred start has run, so close() will stop the thread.
  await new Promise<void>((resolve) => setImmediate(resolve));
  await Promise.all(Object.values(context.readers).map((reader) => closeReader(reader, settleTimeoutMs)));
  context.close();
}

async function closeReader(reader: PcscReader, settleTimeoutMs: number): Promise<void> {
  const entry = activity.get(reader);
  if (entry !== undefined) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      entry.firstReport,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, settleTimeoutMs))),
    ]);
    clearTimeout(timer);
    for (
      let quietFor = Date.now() - entry.lastReportAt;
      quietFor < QUIET_BEFORE_CLOSE_MS;
      quietFor = Date.now() - entry.lastReportAt
    ) {
      await new Promise<void>((resolve) => setTimeout(resolve, QUIET_BEFORE_CLOSE_MS - quietFor));
    }
  }
  reader.close();
}
