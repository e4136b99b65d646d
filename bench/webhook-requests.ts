// P6 in `npm run bench`, for webhooks: the DynamoDB requests of one delivery, counted on the wire of
// the client the handlers are built on. The functions' handlers run in this process behind the local
// gateway, with dynalite and the simulator, as `npm start` runs them.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '#lib/config/config.ts';
import { storefrontFulfillFlow } from '#lib/flows/storefront-fulfill.ts';
import { wmsDeliveryFlow } from '#lib/flows/wms-delivery.ts';
import { webhookHandler } from '#lib/handlers/webhook.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { buildRuntime } from '#lib/runtime/runtime.ts';
import { buildSellerParts } from '#lib/runtime/seller-parts.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { countedDynamoDB } from '#local/counted-dynamodb.ts';
import { ensureTable, startLocalDynamo } from '#local/dynamo.ts';
import { startLocalGateway } from '#local/gateway/server.ts';
import { WEBHOOK_PATHS } from '#local/routes.ts';
import { LOCAL_DEFAULTS } from '#local/settings.ts';
import { startTopSimulator } from '#local/top-sim/server.ts';
import { SIM_DEFAULTS } from '#local/top-sim/settings.ts';

/** The DynamoDB requests of one delivery, in the order sent. */
export interface DeliveryRequests {
  readonly status: number;
  readonly requests: readonly string[];
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
  const dynamo = await startLocalDynamo();
  const sim = await startTopSimulator({
    appKey: SIM_DEFAULTS.appKey,
    appSecret: SIM_DEFAULTS.appSecret,
    sessions: [SIM_DEFAULTS.session],
  });
  const { client: dynamodb, sent } = countedDynamoDB(dynamo.endpoint);
  let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
  try {
    await ensureTable(dynamodb, 'operations', operationsTableDefinition);
    const config = loadConfig(
      {
        OPERATIONS_TABLE: 'operations',
        TOP_GATEWAY_URL: sim.url,
        AE_GATEWAY_URL: sim.aeUrl,
        TOP_APP_KEY: SIM_DEFAULTS.appKey,
        TOP_APP_SECRET: SIM_DEFAULTS.appSecret,
        TOP_SESSION: `shop-1=${SIM_DEFAULTS.session}`,
        WMS_WEBHOOK_SECRET: LOCAL_DEFAULTS.WMS_WEBHOOK_SECRET,
        STOREFRONT_WEBHOOK_SECRET: LOCAL_DEFAULTS.STOREFRONT_WEBHOOK_SECRET,
      },
      { webhookSources: ['wms', 'storefront'] },
    );
    // Counted, not shown: the handlers' log lines and metrics stay out of the benchmark's output.
    const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
    const metrics = silentMetrics();
    const runtime = buildRuntime(
      config,
      'bench',
      { dynamodb, logger, metrics },
      { sellers: buildSellerParts },
    );
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
      const raw = JSON.stringify(body);
      sent.length = 0;
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signWebhook({ id, timestamp: Math.floor(Date.now() / 1000), body: raw, secret }),
        },
        body: raw,
      });
      await response.text();
      return { status: response.status, requests: [...sent] };
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
    for (const [name, figure] of Object.entries(figures)) {
      if (figure.status < 200 || figure.status > 299) throw new Error(`${name} answered ${figure.status}`);
    }
    return figures;
  } finally {
    await gateway?.close();
    dynamodb.destroy();
    await sim.close();
    await dynamo.close();
  }
}

/** Metrics that publish nothing: Powertools reads whether they are disabled when they are built. */
function silentMetrics(): Metrics {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  try {
    return new Metrics({ namespace: 'bench', serviceName: 'bench' });
  } finally {
    if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = before;
  }
}
