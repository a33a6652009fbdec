import { BLAZEFACE_MODELS, BlazeFaceDetector, PhotoScreener } from '@mnc/photo-quality';

/** Injection token of the process's one PhotoScreener (the models load once, on first use). */
export const PHOTO_SCREENER = Symbol('PHOTO_SCREENER');

/** BlazeFace short-range as the detector, full-range as its second opinion; both CPU, one thread each. */
export function createPhotoScreener(): PhotoScreener {
  return new PhotoScreener(
    new BlazeFaceDetector(BLAZEFACE_MODELS.front128),
    new BlazeFaceDetector(BLAZEFACE_MODELS.back256),
  );
}
