import type { PersonalisationBundle } from '@mnc/contracts';
import type { BlobRef, BlobStore } from '@mnc/secure-store';
import { faceModelOf, facePolicyFor, type MyNumberPlacement, type SexPlacement } from './face-model';
import { layoutBack, layoutFront } from './face-layout';
import { renderFace } from './face-renderer';

export interface PrintedFaces {
  readonly front: BlobRef;
  readonly back: BlobRef;
}

export interface FaceImages {
  readonly front: Buffer;
  readonly back: Buffer;
}

/**
 * The lane's printer. `render` is software only (no card is used if it fails); `print` puts the images on
 * the card in the lane and says where they are kept. `onKept` runs as soon as they are kept, while the
 * card may still be printing; `print` resolves once both are done.
 */
export interface CardPrinter {
  render(bundle: PersonalisationBundle, photo: Buffer): Promise<FaceImages>;
  print(faces: FaceImages, onKept?: (kept: PrintedFaces) => Promise<void>): Promise<PrintedFaces>;
}

export const FACE_MEDIA_TYPE = 'image/png';

export interface BuiltInPrinterOptions {
  readonly blobs: BlobStore;
  readonly placement: { readonly sex: SexPlacement; readonly myNumber: MyNumberPlacement };
  /** The simulated print head's time per card (both sides). */
  readonly deviceDelay: (ms: number) => Promise<void>;
  readonly printSeconds: number;
}

/**
 * Renders the faces as PNG (the images a card printer would be sent), keeps them in the encrypted blob
 * store by content hash, and takes the configured device time. It prints on no physical card.
 */
export class BuiltInPrinter implements CardPrinter {
  constructor(private readonly options: BuiltInPrinterOptions) {}

  async render(bundle: PersonalisationBundle, photo: Buffer): Promise<FaceImages> {
    const model = faceModelOf(bundle);
    const policy = facePolicyFor(bundle.cardProfile, this.options.placement);
    const [front, back] = await Promise.all([
      renderFace(layoutFront(model, policy), photo),
      renderFace(layoutBack(model, policy)),
    ]);
    return { front, back };
  }

  async print(
    { front, back }: FaceImages,
    onKept?: (kept: PrintedFaces) => Promise<void>,
  ): Promise<PrintedFaces> {
    // The copies are stored while the head prints: the lane's own work hides in the device's time.
    const keeping = (async () => {
      const [frontRef, backRef] = await Promise.all([
        this.options.blobs.put(front, { mediaType: FACE_MEDIA_TYPE }),
        this.options.blobs.put(back, { mediaType: FACE_MEDIA_TYPE }),
      ]);
      const kept = { front: frontRef, back: backRef };
      await onKept?.(kept);
      return kept;
    })();
    const [kept, printed] = await Promise.allSettled([
      keeping,
      this.options.deviceDelay(this.options.printSeconds * 1000),
    ]);
    if (kept.status === 'rejected') throw kept.reason;
    if (printed.status === 'rejected') throw printed.reason;
    return kept.value;
  }
}
