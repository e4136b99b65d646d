// What P1 bundles and measures: the TOP client and the API a WMS delivery calls.
export { sendDeliveryOrder, sendDeliveryOrderApi } from '#lib/top/apis/send-delivery-order.ts';
export { TopClient } from '#lib/top/client.ts';
export { encodeParams } from '#lib/top/params.ts';
export { closeGatewayPools } from '#lib/top/transport.ts';
