import { type CfnElement, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import {
  nameTable,
  useEventBus,
  useQueueForSending,
  useSecret,
  useSellerTokens,
  useTable,
} from './constructs/access.ts';
import { FixedEgress } from './constructs/egress.ts';
import { type FunctionNetwork, HouseFunction } from './constructs/house-function.ts';
import { OAUTH_CALLBACK_ROUTE, WebhookApi } from './constructs/http-api.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { RefreshQueue } from './constructs/refresh-queue.ts';
import { FunctionSecrets } from './constructs/secrets.ts';
import { DataTables, DUE_INDEX_NAME, LIST_INDEX_NAME } from './constructs/tables.ts';
import type { StackSettings } from './settings.ts';

export interface TopWebhooksStackProps extends StackProps {
  /** What the app's context asks for (`readStackSettings`): stage, secrets, limits, egress. */
  readonly settings: StackSettings;
}

const WORKER_TIMEOUT = Duration.seconds(60);

/**
 * Refresh messages one worker invocation takes: five seconds of its pace (10 to 1,000). An
 * invocation's pace waits only in its last order's call and in the hand-over to the next batch,
 * a small part of five seconds; batches of 10 at 95 calls/s would leave it idle half the time.
 */
export const workerBatchSize = (callsPerSecond: number): number =>
  Math.min(1_000, Math.max(10, callsPerSecond * 5));

/**
 * Orders one worker invocation refreshes at once (`REFRESH_CONCURRENCY`): its pace over half a
 * second, the most an order's refresh (its TOP call, write and event) is expected to take, so the
 * pace is never waiting for a free slot; at least the default 8.
 */
export const workerConcurrency = (callsPerSecond: number): number =>
  Math.max(8, Math.ceil(callsPerSecond / 2));

/**
 * The whole system in one stack: the HTTP API and its nine functions, the three tables, the secrets
 * (and the sellers' token secrets the functions create at run time), the schedules, the refresh
 * queue and status-event bus, alarms and a dashboard; with `egressIp`, a VPC giving the
 * platform-calling functions one fixed outbound address. Each function is granted only the table
 * actions, secrets, queue and bus it uses (see `constructs/access.ts`).
 */
export class TopWebhooksStack extends Stack {
  readonly functions: Readonly<Record<string, HouseFunction>>;

  constructor(scope: Construct, id: string, props: TopWebhooksStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { stage } = settings;
    const data = new DataTables(this, 'Data', { stage });
    const secrets = new FunctionSecrets(this, 'Secrets', { settings });
    const refresh = new RefreshQueue(this, 'Refresh', { workerTimeout: WORKER_TIMEOUT });
    const statusEvents = new EventBus(this, 'StatusEvents', { eventBusName: `top-webhooks-${stage}-status` });

    // With `egressIp`, the functions that call TOP or IOP leave through one fixed address, for apps
    // that allow-list their callers. Tracking and the dispatcher call neither platform: they stay out.
    const egress = settings.egressIp
      ? new FixedEgress(this, 'Egress', { logRetention: settings.logRetentionDays })
      : undefined;
    const callsPlatforms = egress?.network;
    // Each authorized seller's tokens are a secret `<prefix><seller id>`, created by the OAuth callback.
    const sellerTokensPrefix = `top-webhooks/${stage}/seller-tokens/`;

    const fn = (
      id: string,
      entry: string,
      description: string,
      timeout: Duration,
      network?: FunctionNetwork,
    ) =>
      new HouseFunction(this, id, {
        entry,
        description,
        timeout,
        logRetention: settings.logRetentionDays,
        // Every function reads the shared config, which reads both platforms' settings.
        environment: {
          TOP_GATEWAY_URL: settings.topGatewayUrl,
          AE_GATEWAY_URL: settings.aeGatewayUrl,
          AE_PROTOCOL: settings.aeProtocol,
        },
        network,
      });

    const wmsDelivery = fn(
      'WmsDelivery',
      'functions/wms-delivery/index.ts',
      'WMS webhook → tmall.ovs.delivery.order.info.send',
      Duration.seconds(15),
      callsPlatforms,
    );
    const storefrontFulfill = fn(
      'StorefrontFulfill',
      'functions/storefront-fulfill/index.ts',
      'Storefront webhook → aliexpress.solution.order.fulfill',
      Duration.seconds(15),
      callsPlatforms,
    );
    const tracking = fn(
      'Tracking',
      'functions/tracking/index.ts',
      'Storefront webhook: start tracking a logistics order',
      Duration.seconds(10),
    );
    const operatorApi = fn(
      'OperatorApi',
      'functions/operator-api/index.ts',
      'Operator API: operations (list, replay), tracked orders (list, untrack), status, sellers and their authorize links',
      Duration.seconds(15),
      callsPlatforms,
    );
    const retrySweeper = fn(
      'RetrySweeper',
      'functions/retry-sweeper/index.ts',
      'Scheduled: retries due operations from the outbox',
      Duration.minutes(2),
      callsPlatforms,
    );
    const refreshDispatcher = fn(
      'RefreshDispatcher',
      'functions/refresh-dispatcher/index.ts',
      'Scheduled: hands due logistics orders to the refresh workers',
      Duration.minutes(1),
    );
    const refreshWorker = fn(
      'RefreshWorker',
      'functions/refresh-worker/index.ts',
      'SQS: refreshes logistics orders through aliexpress.local.logistics.order.info.query',
      WORKER_TIMEOUT,
      callsPlatforms,
    );
    const oauthCallback = fn(
      'OauthCallback',
      'functions/oauth-callback/index.ts',
      "OAuth callback: a seller authorized the app on IOP; exchanges the code for the seller's tokens",
      Duration.seconds(15),
      callsPlatforms,
    );
    const tokenRenewal = fn(
      'TokenRenewal',
      'functions/token-renewal/index.ts',
      "Scheduled: renews sellers' IOP tokens before they lapse",
      Duration.seconds(60),
      callsPlatforms,
    );

    // What each function does with the operations table (the outbox, the ban, the guards).
    const attempts = { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] } as const;
    useTable(wmsDelivery, 'OPERATIONS_TABLE', data.operations, attempts);
    useTable(storefrontFulfill, 'OPERATIONS_TABLE', data.operations, attempts);
    // The operator also lists operations and counts them by status, from the `list` index.
    useTable(operatorApi, 'OPERATIONS_TABLE', data.operations, {
      ...attempts,
      queryIndexes: [LIST_INDEX_NAME],
    });
    useTable(retrySweeper, 'OPERATIONS_TABLE', data.operations, {
      ...attempts,
      queryIndexes: [DUE_INDEX_NAME],
    });
    nameTable(tracking, 'OPERATIONS_TABLE', data.operations);
    nameTable(oauthCallback, 'OPERATIONS_TABLE', data.operations);
    nameTable(tokenRenewal, 'OPERATIONS_TABLE', data.operations);
    // The refresh reads the shared TOP ban; the worker also extends it.
    useTable(refreshDispatcher, 'OPERATIONS_TABLE', data.operations, { items: ['GetItem'] });
    useTable(refreshWorker, 'OPERATIONS_TABLE', data.operations, { items: ['GetItem', 'PutItem'] });

    // And with the logistics-orders table.
    useTable(tracking, 'LOGISTICS_ORDERS_TABLE', data.logisticsOrders, { items: ['GetItem', 'PutItem'] });
    // The operator shows, lists (the `list` index, then the page's orders at once) and untracks
    // orders, and counts the parked sellers (their partition of the `due` index).
    useTable(operatorApi, 'LOGISTICS_ORDERS_TABLE', data.logisticsOrders, {
      items: ['GetItem', 'BatchGetItem', 'DeleteItem'],
      queryIndexes: [DUE_INDEX_NAME, LIST_INDEX_NAME],
    });
    useTable(refreshDispatcher, 'LOGISTICS_ORDERS_TABLE', data.logisticsOrders, {
      items: ['GetItem', 'UpdateItem', 'DeleteItem'],
      queryIndexes: [DUE_INDEX_NAME],
    });
    useTable(refreshWorker, 'LOGISTICS_ORDERS_TABLE', data.logisticsOrders, {
      items: ['GetItem', 'PutItem'],
    });

    // And with the sellers table: the operator lists sellers and issues OAuth states, the callback
    // spends a state and records the seller, the renewal queries the sellers due for it.
    useTable(operatorApi, 'SELLERS_TABLE', data.sellers, {
      items: ['GetItem', 'BatchGetItem', 'PutItem'],
      queryIndexes: [DUE_INDEX_NAME],
    });
    useTable(oauthCallback, 'SELLERS_TABLE', data.sellers, {
      items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    });
    useTable(tokenRenewal, 'SELLERS_TABLE', data.sellers, {
      items: ['GetItem', 'PutItem', 'UpdateItem'],
      queryIndexes: [DUE_INDEX_NAME],
    });

    // Secrets: every function reads the TOP credentials (to call TOP, to know the sellers, to see a
    // rotated session); a webhook function reads its own source's signing secret only.
    for (const each of [
      wmsDelivery,
      storefrontFulfill,
      tracking,
      operatorApi,
      retrySweeper,
      refreshDispatcher,
      refreshWorker,
      oauthCallback,
      tokenRenewal,
    ]) {
      useSecret(each, 'TOP_CREDENTIALS_SECRET_ID', secrets.topCredentials);
    }
    useSecret(wmsDelivery, 'WMS_WEBHOOK_SECRET_ID', secrets.wmsWebhook);
    useSecret(storefrontFulfill, 'STOREFRONT_WEBHOOK_SECRET_ID', secrets.storefrontWebhook);
    useSecret(tracking, 'STOREFRONT_WEBHOOK_SECRET_ID', secrets.storefrontWebhook);
    // The sellers' tokens: the functions that act for an authorized seller read them (the operator
    // API to replay); only the renewal replaces them, and only the callback creates them. WMS
    // delivery and tracking get none.
    for (const each of [storefrontFulfill, operatorApi, retrySweeper, refreshDispatcher, refreshWorker]) {
      useSellerTokens(each, 'SELLER_TOKENS_PREFIX', sellerTokensPrefix, 'read');
    }
    useSellerTokens(tokenRenewal, 'SELLER_TOKENS_PREFIX', sellerTokensPrefix, 'renew');
    useSellerTokens(oauthCallback, 'SELLER_TOKENS_PREFIX', sellerTokensPrefix, 'create');

    // The refresh: dispatcher → SQS → worker → EventBridge.
    useQueueForSending(refreshDispatcher, 'REFRESH_QUEUE_URL', refresh.queue);
    // A dispatched order is held for one visibility timeout: SQS redelivers before it is due again.
    refreshDispatcher.addEnvironment('REFRESH_LEASE_SECONDS', String(refresh.visibilityTimeout.toSeconds()));
    useEventBus(refreshWorker, 'STATUS_EVENT_BUS_NAME', statusEvents);
    // Each container's pace, times the containers at once (the maximum concurrency): the refresh's
    // budget of calls to TOP, under the platform's limit (README, "The order-detail refresh").
    const { callsPerSecond, workers } = settings.refresh;
    const batchSize = workerBatchSize(callsPerSecond);
    refreshWorker.addEnvironment('REFRESH_CALLS_PER_SECOND', String(callsPerSecond));
    refreshWorker.addEnvironment('REFRESH_CONCURRENCY', String(workerConcurrency(callsPerSecond)));
    refreshWorker.addEventSource(
      new SqsEventSource(refresh.queue, {
        batchSize,
        // More than 10 messages a batch needs a batching window; the backlog of a round fills
        // batches at once, and a trickle waits at most a second.
        ...(batchSize > 10 && { maxBatchingWindow: Duration.seconds(1) }),
        reportBatchItemFailures: true,
        maxConcurrency: workers,
      }),
    );

    // The schedules. A missed tick is not retried: the next one comes within minutes.
    const schedule = (id: string, target: HouseFunction, minutes: number, description: string) => {
      const role = new Role(this, `${id}Role`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(target.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason:
          "Lambda's invoke grant also names the function's versions and aliases (ARN:*); the role can invoke this one function only.",
      });
      return new Schedule(this, id, {
        schedule: ScheduleExpression.rate(Duration.minutes(minutes)),
        target: new LambdaInvoke(target, { role, retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
        description,
      });
    };
    schedule('SweepSchedule', retrySweeper, settings.schedules.sweepMinutes, 'Runs the retry sweeper');
    schedule(
      'DispatchSchedule',
      refreshDispatcher,
      settings.schedules.dispatchMinutes,
      'Runs the refresh dispatcher',
    );
    schedule('RenewSchedule', tokenRenewal, settings.schedules.renewMinutes, "Renews sellers' tokens");

    const api = new WebhookApi(this, 'Api', {
      stage,
      webhooks: { wmsDelivery, storefrontFulfill, tracking },
      operatorApi,
      oauthCallback,
      rateLimit: settings.api.rateLimit,
      burstLimit: settings.api.burstLimit,
      logRetention: settings.logRetentionDays,
    });

    this.functions = {
      'wms-delivery': wmsDelivery,
      'storefront-fulfill': storefrontFulfill,
      tracking,
      'operator-api': operatorApi,
      'retry-sweeper': retrySweeper,
      'refresh-dispatcher': refreshDispatcher,
      'refresh-worker': refreshWorker,
      'oauth-callback': oauthCallback,
      'token-renewal': tokenRenewal,
    };
    // Where sellers and operators reach the API: the authorize link's redirect and the callback
    // URL are built on it. Set once the API exists: its endpoint names only the API resource, which
    // needs none of the functions, so this makes no cycle.
    const publicUrl = settings.publicUrl ?? api.api.apiEndpoint;
    for (const each of [operatorApi, oauthCallback]) each.addEnvironment('PUBLIC_URL', publicUrl);

    // What an operator needs after a deploy (README "Deploy").
    new CfnOutput(this, 'ApiUrl', {
      value: api.api.apiEndpoint,
      description: 'Base URL of the webhooks and operator API',
    });
    new CfnOutput(this, 'OauthCallbackUrl', {
      value: `${publicUrl}${OAUTH_CALLBACK_ROUTE.path}`,
      description: "The callback URL to register as the app's on the AliExpress Open Platform console",
    });
    new CfnOutput(this, 'TopCredentialsSecretId', { value: secrets.topCredentials.id });
    new CfnOutput(this, 'WmsWebhookSecretId', { value: secrets.wmsWebhook.id });
    new CfnOutput(this, 'StorefrontWebhookSecretId', { value: secrets.storefrontWebhook.id });
    new CfnOutput(this, 'RefreshDeadLetterQueueArn', { value: refresh.deadLetters.queueArn });
    new CfnOutput(this, 'RetrySweeperLogGroup', { value: retrySweeper.logGroup.logGroupName });
    if (egress) {
      new CfnOutput(this, 'EgressIp', {
        value: egress.address.attrPublicIp,
        description: "The address to put on the TOP and AliExpress apps' IP allow-lists",
      });
    }
    new Monitoring(this, 'Monitoring', {
      stage,
      functions: this.functions,
      api: api.api,
      refreshQueue: refresh.queue,
      refreshDeadLetters: refresh.deadLetters,
      sellerGaugesService: 'token-renewal',
      alarmEmail: settings.alarmEmail,
    });
  }
}
