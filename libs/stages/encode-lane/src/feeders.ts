import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { InProcessStation } from '@mnc/pcsc';
import { VirtualCard, type VirtualCardOptions } from '@mnc/virtual-card';
import type { CardFeeder } from './card-encoder';

/** Blank virtual cards straight into an in-process station: the embedded mode's encoder. */
export class InProcessCardHopper implements CardFeeder {
  constructor(
    private readonly station: InProcessStation,
    private readonly cardOptions: VirtualCardOptions = {},
  ) {}

  async feedBlank(profile: 'legacy-rsa2048' | 'next-gen'): Promise<string> {
    const card = VirtualCard.blank(profile, randomBytes(8), this.cardOptions);
    this.station.insert(card);
    return card.serial;
  }

  async eject(): Promise<void> {
    this.station.eject();
  }
}

export class FeederError extends Error {
  override readonly name = 'FeederError';
}

/** The virtual card process's control API: it feeds blanks to the PC/SC reader through vpcd. */
export class VirtualCardProcessFeeder implements CardFeeder {
  private readonly logger = new Logger('VirtualCardProcessFeeder');
  constructor(private readonly controlUrl: string) {}

  async feedBlank(profile: 'legacy-rsa2048' | 'next-gen'): Promise<string> {
    const response = await fetch(`${this.controlUrl}/cards/blank`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profile }),
    });
    if (response.status !== 200 && response.status !== 201) {
      throw new FeederError(`virtual card process answered ${response.status} to a blank-card request`);
    }
    const { serial } = (await response.json()) as { serial: string };
    return serial;
  }

  async eject(): Promise<void> {
    const response = await fetch(`${this.controlUrl}/eject`, { method: 'POST' });
    if (!response.ok) this.logger.warn(`eject answered ${response.status}`);
  }
}
