import { fulfillOrderApi } from './fulfill-order.ts';
import { queryLogisticsOrderApi } from './query-logistics-order.ts';
import { sendDeliveryOrderApi } from './send-delivery-order.ts';

/** The TOP APIs this project calls, by method name. */
export const TOP_APIS = {
  [fulfillOrderApi.method]: fulfillOrderApi,
  [sendDeliveryOrderApi.method]: sendDeliveryOrderApi,
  [queryLogisticsOrderApi.method]: queryLogisticsOrderApi,
} as const;
