// PIN objects and key objects: the internal EFs of an AP. The profile fixes which exist and their rules
// (format, tries, who may reset them, what a key may do); personalisation sets their values.
import { CardPublicKey, KeyObjectDefinition, PinObjectDefinition } from '@mnc/card-profiles';

export class PinObject {
  constructor(
    readonly definition: PinObjectDefinition,
    /** ASCII value; undefined until set by CHANGE REFERENCE DATA during personalisation. */
    public value: Uint8Array | undefined,
    public triesLeft: number,
  ) {}

  static blank(definition: PinObjectDefinition): PinObject {
    return new PinObject(definition, undefined, definition.maxTries);
  }

  get fid(): number {
    return this.definition.fid;
  }

  get blocked(): boolean {
    return this.triesLeft === 0;
  }
}

/** Private key bytes stay inside the card state: PKCS#8 DER for RSA, the private scalar for EC. */
export interface KeyMaterial {
  readonly privateKey: Uint8Array;
  readonly publicKey: CardPublicKey;
}

export class KeyObject {
  constructor(
    readonly definition: KeyObjectDefinition,
    public material: KeyMaterial | undefined,
  ) {}

  get fid(): number {
    return this.definition.fid;
  }
}
