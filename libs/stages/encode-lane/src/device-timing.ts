import type { CardChannel, EncoderStation } from '@mnc/pcsc';

/**
 * Simulated device time for capacity tests: a printer's seconds per card and an encoder's time per APDU,
 * slept for real (the lane's timing is what is being measured) and added up, so a benchmark can subtract it
 * and report the software's own time. Zero by default: tests and the embedded mode run at software speed.
 */
export class DeviceTime {
  private slept = 0;
  private waited = 0;

  /** The device time asked for: the sum of the nominal waits. */
  get simulatedMs(): number {
    return this.slept;
  }

  /**
   * The device time as the lane waited it. A timer has whole milliseconds (libuv's clock), so a wait ends up
   * to 1 ms after it was due even on an idle event loop; at ~120 APDUs a card that rounding alone is tens
   * of milliseconds no real device would take. Each wait counts as long as it took, but at most 1 ms more
   * than asked, and never the part of its lateness the event loop was busy for (work the lane did while
   * the device waited, overrunning it): that stays the software's.
   */
  get waitedMs(): number {
    return this.waited;
  }

  async delay(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.slept += ms;
    const started = performance.now();
    const loop = performance.eventLoopUtilization();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const took = performance.now() - started;
    const busyPastDue = Math.max(0, performance.eventLoopUtilization(loop).active - ms);
    const rounding = Math.min(TIMER_RESOLUTION_MS, Math.max(0, took - ms - busyPastDue));
    this.waited += Math.min(took, ms + rounding);
  }
}

const TIMER_RESOLUTION_MS = 1;

/** An encoder station whose every APDU takes `msPerApdu` longer, as a slower contact interface would. */
export class TimedStation implements EncoderStation {
  constructor(
    private readonly inner: EncoderStation,
    private readonly msPerApdu: number,
    private readonly time: DeviceTime,
  ) {}

  get readerName(): string {
    return this.inner.readerName;
  }

  async waitForCard(timeoutMs: number): Promise<CardChannel> {
    const channel = await this.inner.waitForCard(timeoutMs);
    if (this.msPerApdu <= 0) return channel;
    return {
      atr: channel.atr,
      transmit: async (apdu) => {
        await this.time.delay(this.msPerApdu);
        return channel.transmit(apdu);
      },
      close: () => channel.close(),
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
