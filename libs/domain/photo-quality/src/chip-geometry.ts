import type { EyeFrame } from './geometry';

/** The chip image: 420 wide × 540 high (the IC passport's size, as the paper cites). */
export const CHIP = { width: 420, height: 540 } as const;
/** Eye midpoint in the chip image: centred, eye line at 58% of the height from the bottom (ICAO: 50-70%). */
export const CHIP_EYES = { x: 210, y: 227 } as const;
/** Eye-to-mouth distance in chip pixels: puts chin-to-crown at about 74% of the height (ICAO: 70-80%). */
export const CHIP_EYE_MOUTH_PX = 125;

/**
 * The chip image's crop as an aligned sampling: `unit` chip pixels per eye unit, so that the face's
 * eye-to-mouth distance (in eye units) becomes CHIP_EYE_MOUTH_PX. `grid` is a 1/10-size version of it for
 * measuring how much of the crop lies outside the photo.
 */
export function chipCropFrame(frame: EyeFrame, eyeMouth: number) {
  const unit = CHIP_EYE_MOUTH_PX / eyeMouth;
  return {
    frame,
    unit,
    grid: {
      width: CHIP.width / 10,
      height: CHIP.height / 10,
      unit: unit / 10,
      cx: CHIP_EYES.x / 10,
      cy: CHIP_EYES.y / 10,
    },
  };
}
