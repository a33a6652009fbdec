/**
 * The walking skeleton's screening: the photo must decode and be at least as large as the chip image
 * (420 × 540, width × height), so it can be cropped to it without upscaling. Face detection and the ICAO
 * quality checks come with the photo-screening issue; until then nothing here claims to check a face.
 */
export const MIN_WIDTH = 420;
export const MIN_HEIGHT = 540;

export interface DecodedPhoto {
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

export type ScreeningResult =
  | { readonly outcome: 'accepted'; readonly photo: DecodedPhoto }
  | { readonly outcome: 'rejected'; readonly reasons: readonly { code: string; message: string }[] };

export function screenDecodedPhoto(photo: DecodedPhoto): ScreeningResult {
  if (photo.width < MIN_WIDTH || photo.height < MIN_HEIGHT) {
    return {
      outcome: 'rejected',
      reasons: [
        {
          code: 'LOW_RESOLUTION',
          message: `The photo is ${photo.width}×${photo.height} pixels; at least ${MIN_WIDTH}×${MIN_HEIGHT} is needed. 写真の画素数が不足しています。`,
        },
      ],
    };
  }
  return { outcome: 'accepted', photo };
}

export const UNREADABLE: ScreeningResult = {
  outcome: 'rejected',
  reasons: [
    {
      code: 'UNREADABLE_IMAGE',
      message: 'The photo file could not be decoded. 写真を読み取れませんでした。',
    },
  ],
};
