import type { EncoderStation } from '@mnc/pcsc';
import type { CardFeeder } from './card-encoder';

export interface StationAndFeeder {
  readonly station: EncoderStation;
  readonly feeder: CardFeeder;
}

/**
 * A lane's encoder, which can be rebuilt after its reader vanished: `probe` says whether the reader is
 * there again, `open` makes a new station and feeder for it.
 */
export class EncoderDevice {
  private current: StationAndFeeder;

  constructor(
    private readonly open: () => StationAndFeeder,
    private readonly probe: () => Promise<boolean>,
  ) {
    this.current = open();
  }

  get station(): EncoderStation {
    return this.current.station;
  }

  get feeder(): CardFeeder {
    return this.current.feeder;
  }

  /** True once the reader is back and a fresh station is in place; false while it is still missing. */
  async recover(): Promise<boolean> {
    if (!(await this.probe())) return false;
    await this.current.station.close().catch(() => undefined);
    this.current = this.open();
    return true;
  }

  close(): Promise<void> {
    return this.current.station.close();
  }
}
