// POST /webhooks/wms/delivery-orders → tmall.ovs.delivery.order.info.send
import { loadConfig } from '#lib/config/config.ts';
import { wmsDeliveryFlow } from '#lib/flows/wms-delivery.ts';
import { webhookHandler } from '#lib/handlers/webhook.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';

const runtime = buildRuntime(loadConfig(process.env, { webhookSources: ['wms'] }), 'wms-delivery');

export const handler = webhookHandler(wmsDeliveryFlow, { ...runtime, verifier: runtime.verifier('wms') });
