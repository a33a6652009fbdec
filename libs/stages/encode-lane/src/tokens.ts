/** Injection tokens of the encode-lane stage's own providers. */
export const LANE_QUEUE = Symbol('LANE_QUEUE');
export const ENCODER_DEVICE = Symbol('ENCODER_DEVICE');
export const CARD_PRINTER = Symbol('CARD_PRINTER');
export const DEVICE_TIME = Symbol('DEVICE_TIME');
/** The CA the lane certifies card keys with and revokes spoiled attempts' certificates at. */
export const LANE_CERTIFICATE_AUTHORITY = Symbol('LANE_CERTIFICATE_AUTHORITY');
