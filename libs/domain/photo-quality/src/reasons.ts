/**
 * Why a photo was rejected or sent to a person. Rejection codes are ones the applicant can act on; each has a
 * short English and Japanese message for the status page and the notice letter.
 */
export const REJECTION_REASONS = {
  UNREADABLE_IMAGE: {
    en: 'The photo file could not be read. Send a JPEG or PNG photo.',
    ja: '写真を読み取れませんでした。JPEGまたはPNG形式の写真を送ってください。',
  },
  IMAGE_TOO_LARGE: {
    en: 'The photo has too many pixels. Send a photo of at most 40 megapixels.',
    ja: '写真の画素数が多すぎます。4000万画素以下の写真を送ってください。',
  },
  UNSUPPORTED_COLOUR_MODE: {
    en: 'The photo is stored in print colours (CMYK). Send an ordinary colour (RGB) photo.',
    ja: '写真が印刷用の色形式（CMYK）です。通常のカラー（RGB）写真を送ってください。',
  },
  TRANSPARENT_IMAGE: {
    en: 'The photo has transparent areas. Send an unedited photo with its real background.',
    ja: '写真に透明な部分があります。背景を加工していない写真を送ってください。',
  },
  NO_FACE: {
    en: 'No face was found. Take a photo of your face from the front.',
    ja: '顔が確認できません。正面から顔を撮影してください。',
  },
  MULTIPLE_FACES: {
    en: 'More than one person is in the photo. Only you may be in the photo.',
    ja: '複数の人物が写っています。申請者本人のみを撮影してください。',
  },
  LOW_RESOLUTION: {
    en: 'The face is too small in pixels. Take the photo closer or with a higher resolution.',
    ja: '顔の画素数が不足しています。近くから、または高い解像度で撮影してください。',
  },
  FACE_TOO_SMALL: {
    en: 'The head is too small in the photo. Come closer to the camera.',
    ja: '顔が小さすぎます。カメラに近づいて撮影してください。',
  },
  FACE_TOO_LARGE: {
    en: 'The head is too large in the photo. Step back from the camera.',
    ja: '顔が大きすぎます。カメラから少し離れて撮影してください。',
  },
  FACE_CUT_OFF: {
    en: 'Part of the head is outside the photo. Leave space around the head and shoulders.',
    ja: '頭部の一部が写真からはみ出しています。頭と肩の周りに余白を空けてください。',
  },
  NOT_FACING_CAMERA: {
    en: 'The face is turned away. Look straight into the camera.',
    ja: '顔が正面を向いていません。カメラを正面から見てください。',
  },
  HEAD_TILTED: {
    en: 'The head is tilted. Keep your head upright.',
    ja: '頭が傾いています。頭をまっすぐにしてください。',
  },
  EYES_CLOSED: {
    en: 'The eyes are closed or covered. Keep your eyes open and visible.',
    ja: '目が閉じているか隠れています。目を開けて、はっきり写してください。',
  },
  TOO_DARK: {
    en: 'The photo is too dark. Take it in brighter, even light.',
    ja: '写真が暗すぎます。明るく均一な照明で撮影してください。',
  },
  OVEREXPOSED: {
    en: 'The face is too bright or washed out. Avoid strong direct light or flash.',
    ja: '顔が明るすぎます。強い直射光やフラッシュを避けてください。',
  },
  LOW_CONTRAST: {
    en: 'The photo has too little contrast. Take it in even light without haze.',
    ja: '写真のコントラストが不足しています。均一な照明で鮮明に撮影してください。',
  },
  BLURRY: {
    en: 'The photo is blurred. Hold the camera still and focus on the face.',
    ja: '写真がぼやけています。カメラを固定し、顔にピントを合わせてください。',
  },
  NOT_IN_COLOUR: {
    en: 'The photo is black and white. Send a colour photo.',
    ja: '白黒写真です。カラー写真を送ってください。',
  },
  BACKGROUND_NOT_PLAIN: {
    en: 'The background is not plain. Stand in front of a plain, light wall.',
    ja: '背景が無地ではありません。無地で明るい壁の前で撮影してください。',
  },
} as const satisfies Record<string, { en: string; ja: string }>;
export type RejectionCode = keyof typeof REJECTION_REASONS;

/**
 * Why a photo goes to a person instead of an automatic decision. The last group (head covering, glare,
 * expression, shadows, infants) never rejects automatically: a person judges it (religious or medical head
 * coverings are allowed; a baby cannot hold a pose).
 */
export const REVIEW_REASONS = {
  BORDERLINE_QUALITY: 'A quality check is in the amber band.',
  MODEL_FAILURE: 'The face detector failed on this photo.',
  MODEL_DISAGREEMENT: 'The two face detectors disagree about the face.',
  CHIP_IMAGE_QUALITY: 'The chip image fits 24 kB only at a low JPEG quality.',
  AUDIT_SAMPLE: 'A random share of automatically accepted photos is checked by a person.',
  GLASSES_GLARE: 'Bright reflections around the eyes (glasses glare?).',
  NON_NEUTRAL_EXPRESSION: 'The mouth looks open or smiling.',
  SHADOWS: 'The face is lit unevenly (one side in shadow).',
  HEAD_COVERING: 'The top of the head looks covered.',
  INFANT: 'The applicant is an infant; a person judges the pose and expression.',
} as const;
export type ReviewCode = keyof typeof REVIEW_REASONS;

export interface RejectionReason {
  readonly code: RejectionCode;
  readonly message: string;
  readonly messageJa: string;
}

export function rejectionReason(code: RejectionCode): RejectionReason {
  return { code, message: REJECTION_REASONS[code].en, messageJa: REJECTION_REASONS[code].ja };
}

export interface ReviewReason {
  readonly code: ReviewCode;
  readonly message: string;
}

export function reviewReason(code: ReviewCode, detail?: string): ReviewReason {
  return { code, message: detail ? `${REVIEW_REASONS[code]} ${detail}` : REVIEW_REASONS[code] };
}
