/** A postal carrier as the delivery service sees it. Restricted-delivery mail (本人限定受取郵便) for express cards. */
export interface ShipmentRequest {
  /** The carrier returns the same shipment for the same key: a retried request never makes a second parcel. */
  readonly idempotencyKey: string;
  readonly service: 'restricted-delivery' | 'registered-consignment';
  readonly recipient: {
    readonly postalCode: string;
    readonly addressLines: readonly string[];
    readonly name: string;
  };
}

export interface CarrierShipment {
  readonly trackingNumber: string;
}

export const TRACKING_STATUSES = [
  'accepted',
  'in-transit',
  'delivery-attempted',
  'delivered',
  'returned-to-sender',
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export interface TrackingUpdate {
  /** The carrier's id of this tracking event: a second report of it is a replay. */
  readonly eventId: string;
  readonly trackingNumber: string;
  readonly status: TrackingStatus;
  readonly at: Date;
}

/** The carrier refuses the address before accepting the parcel. Permanent for this request. */
export class UndeliverableAddressError extends Error {
  override readonly name = 'UndeliverableAddressError';
  readonly code = 'UNDELIVERABLE_ADDRESS';
}

/**
 * A carrier creates shipments; it reports tracking events to the delivery service's signed webhook
 * (`POST /v1/carrier/tracking-events`, see webhook-signature.ts).
 */
export interface Carrier {
  readonly name: string;
  /** Throws `UndeliverableAddressError` when the carrier cannot deliver to the address at all. */
  createShipment(request: ShipmentRequest): Promise<CarrierShipment>;
}

export const CARRIER = Symbol('CARRIER');
