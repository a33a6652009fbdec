import type { CardChannel, EncoderStation } from '@mnc/pcsc';

/**
 * Simulated device time for capacity tests: a printer's seconds per card and an encoder's time per APDU,
 * slept for real (the lane's timing is what is being measured) and added up, so a benchmark can subtract it
 * and report the software's own time. Zero by default: tests and the embedded mode run at software speed.
 */
export class DeviceTime {
  private slept = 0;

  get simulatedMs(): number {
    return this.slept;
  }

  async delay(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.slept += ms;
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

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
