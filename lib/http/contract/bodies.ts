import { StorefrontFulfillBody } from '#lib/flows/storefront-fulfill.ts';
import { WmsDeliveryBody } from '#lib/flows/wms-delivery.ts';
import { FulfillOrderRequest } from '#lib/top/apis/fulfill-order.ts';
import { DeliveryOrderSendRequest } from '#lib/top/apis/send-delivery-order.ts';
import { TrackingBody } from '#lib/tracking/register.ts';
import { named } from './registry.ts';

/**
 * The webhook bodies: the very schemas the functions parse with, named for the document. What JSON
 * Schema cannot say (a rule across fields, a length in characters) the routes' descriptions say.
 */
export const WmsDelivery = named('WmsDeliveryBody', WmsDeliveryBody);
export const DeliveryOrder = named('DeliveryOrder', DeliveryOrderSendRequest);
export const StorefrontFulfillment = named('StorefrontFulfillBody', StorefrontFulfillBody);
export const Fulfillment = named('Fulfillment', FulfillOrderRequest);
export const TrackingRequest = named('TrackingBody', TrackingBody);
