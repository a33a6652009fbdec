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

export type TrackingStatus =
  'accepted' | 'in-transit' | 'delivery-attempted' | 'delivered' | 'returned-to-sender';

export interface TrackingUpdate {
  readonly trackingNumber: string;
  readonly status: TrackingStatus;
  readonly at: Date;
}

export interface Carrier {
  readonly name: string;
  createShipment(request: ShipmentRequest): Promise<CarrierShipment>;
}

export const CARRIER = Symbol('CARRIER');
