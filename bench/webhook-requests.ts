// P6 in `npm run bench`, for webhooks: the DynamoDB requests of one delivery, counted on the wire of
// the client the handlers are built on. The functions' handlers run in this process behind the local
// gateway, with dynalite and the simulator, as `npm start` runs them.
import { loadConfig } from '#lib/config/config.ts';
import { storefrontFulfillFlow } from '#lib/flows/storefront-fulfill.ts';
import { wmsDeliveryFlow } from '#lib/flows/wms-delivery.ts';
import { webhookHandler } from '#lib/handlers/webhook.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { startLocalGateway } from '#local/gateway/server.ts';
import { WEBHOOK_PATHS } from '#local/routes.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { startCountedParts } from './counted-parts.ts';
import { closeLoadPools, postSigned } from './harness.ts';

/** The DynamoDB requests of one delivery, in the order sent, grouped by round trip. */
export interface DeliveryRequests {
  readonly status: number;
  readonly requests: readonly string[];
  readonly rounds: readonly (readonly string[])[];
}

export interface WebhookRequestFigures {
  /** A container's first delivery: it also reads the shared rate-limit ban. */
  readonly firstWms: DeliveryRequests;
  readonly newWms: DeliveryRequests;
  readonly duplicateWms: DeliveryRequests;
  readonly newStorefront: DeliveryRequests;
  readonly duplicateStorefront: DeliveryRequests;
}

export async function webhookRequestFigures(): Promise<WebhookRequestFigures> {
  const parts = await startCountedParts({ operations: operationsTableDefinition });
  const { sent, rounds } = parts;
  let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
  try {
    const config = loadConfig(
      { ...parts.env, OPERATIONS_TABLE: 'operations' },
      { webhookSources: ['wms', 'storefront'] },
    );
    const runtime = buildRuntime(config, 'bench', parts.overrides, { sellers: buildSellerParts });
    gateway = await startLocalGateway({
      port: 0,
      log: () => {},
      routes: [
        {
          name: 'wms-delivery',
          method: 'POST',
          path: WEBHOOK_PATHS.wms,
          handler: webhookHandler(wmsDeliveryFlow, { ...runtime, verifier: runtime.verifier('wms') }),
        },
        {
          name: 'storefront-fulfill',
          method: 'POST',
          path: WEBHOOK_PATHS.storefront,
          handler: webhookHandler(storefrontFulfillFlow, {
            ...runtime,
            verifier: runtime.verifier('storefront'),
          }),
        },
      ],
    });
    const url = gateway.url;
    const deliver = async (path: string, secret: string, id: string, body: unknown) => {
      parts.reset();
      const status = await postSigned(url, path, secret, body, id);
      return { status, requests: [...sent], rounds: rounds.map((round) => [...round]) };
    };
    const wms = (id: string, ticket: string) =>
      deliver(WEBHOOK_PATHS.wms, LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET, id, {
        delivery_order: { ticket_id: ticket, status: 'PACKAGING', weight: 2300 },
      });
    const storefront = (id: string) =>
      deliver(WEBHOOK_PATHS.storefront, LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET, id, {
        seller_id: 'shop-1',
        fulfillment: { out_ref: '70001', service_name: 'EMS', send_type: 'part', logistics_no: 'LA7CN' },
      });
    const figures = {
      firstWms: await wms('msg_requests_1', 'T-REQ-1'),
      newWms: await wms('msg_requests_2', 'T-REQ-2'),
      duplicateWms: await wms('msg_requests_2', 'T-REQ-2'),
      newStorefront: await storefront('msg_requests_3'),
      duplicateStorefront: await storefront('msg_requests_3'),
    };
    return figures;
  } finally {
    await closeLoadPools();
    await gateway?.close();
    await parts.close();
  }
}
