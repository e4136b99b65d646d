/**
 * Logistics order statuses of `aliexpress.local.logistics.order.info.query`; 6 and 7 are final.
 * On their own, so what only names a status does not load the API's schemas.
 */
export const LOGISTICS_ORDER_STATUSES = {
  '1': 'NEW',
  '2': 'CREATED',
  '3': 'SHIPPED',
  '4': 'IN_TRANSIT',
  '5': 'DELIVERY_FAILURE',
  '6': 'DELIVERED',
  '7': 'CANCELLED',
  '8': 'UNKNOWN',
} as const;
export type LogisticsOrderStatus = keyof typeof LOGISTICS_ORDER_STATUSES;

/** The platform that serves logistics orders: the sellers who track them are its sellers. */
export const LOGISTICS_ORDER_PLATFORM = 'aliexpress';
