import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function.ts';

/** The namespace the functions' EMF metrics are published under (`lib/observability/telemetry.ts`). */
export const METRICS_NAMESPACE = 'TopWebhooks';
const PERIOD = Duration.minutes(5);

/**
 * The gauges the token renewal publishes on each run: sellers whose refresh token is in the last
 * quarter of its life (send them the authorize link), and sellers whose tokens can no longer be
 * renewed (their work is parked until they authorize again).
 */
export const SELLER_GAUGES = {
  reauthorizeSoon: 'SellersReauthorizeSoon',
  reauthorize: 'SellersReauthorize',
} as const;

export interface MonitoringProps {
  /** The deployment stage, named in the topic and the dashboard. */
  readonly stage: string;
  /** Each function by the service name its metrics carry as the `service` dimension. */
  readonly functions: Readonly<Record<string, HouseFunction>>;
  /** The API whose 5xx rate alarms and whose traffic the dashboard shows. */
  readonly api: HttpApi;
  /** The refresh's dead-letter queue: any message in it alarms. */
  readonly refreshDeadLetters: IQueue;
  /** The refresh queue, whose backlog the dashboard shows. */
  readonly refreshQueue: IQueue;
  /** The service (a key of `functions`) that publishes the `SELLER_GAUGES` on each run. */
  readonly sellerGaugesService: string;
  /**
   * The address each alarm is mailed to, subscribed to the alarm topic.
   * @default - none: the topic has no subscriber
   */
  readonly alarmEmail?: string;
  /**
   * Error share (%) of a function's invocations, or of the API's answers as 5xx, that alarms.
   * @default 5
   */
  readonly errorRatePercent?: number;
}

/**
 * The alarms an operator acts on, and one dashboard. Alarms: operations gone DEAD (replay them),
 * refresh messages in the dead-letter queue, TOP refusing our credentials (rotate a session),
 * sellers who must authorize the app again (soon, or now), and the error rate of each function and
 * of the API's answers. With an e-mail, each alarm mails it.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const services = Object.keys(props.functions);
    const threshold = props.errorRatePercent ?? 5;
    this.topic = new Topic(this, 'Alarms', {
      displayName: `top-webhooks ${props.stage} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const dead = sumOverServices('Dead', services);
    const authErrors = sumOverServices('TopAuthError', services);
    const deadLetters = props.refreshDeadLetters.metricApproximateNumberOfMessagesVisible({
      period: PERIOD,
      statistic: 'Maximum',
    });
    this.alarm('DeadOperations', dead, 'operations went DEAD after their retry budget: replay them');
    this.alarm(
      'TopAuthErrors',
      authErrors,
      'TOP refused our credentials: rotate the app key or a seller session',
    );
    this.alarm('RefreshDeadLetters', deadLetters, 'refresh messages failed five receives: see the DLQ');

    if (!(props.sellerGaugesService in props.functions)) {
      throw new Error(`sellerGaugesService ${props.sellerGaugesService} is not one of the functions`);
    }
    // Gauges: the highest count a run saw in the period; a period without a run has no data.
    const sellerGauge = (metricName: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.sellerGaugesService },
        statistic: 'Maximum',
        period: PERIOD,
      });
    const reauthorizeSoon = sellerGauge(SELLER_GAUGES.reauthorizeSoon);
    const reauthorize = sellerGauge(SELLER_GAUGES.reauthorize);
    this.alarm(
      'SellersReauthorizeSoon',
      reauthorizeSoon,
      "sellers' refresh tokens are in the last quarter of their life: send each the authorize link (GET /sellers/{seller_id}/authorize)",
    );
    this.alarm(
      'SellersReauthorize',
      reauthorize,
      "sellers' tokens can no longer be renewed: their work is parked until they authorize again (GET /sellers/{seller_id}/authorize)",
    );

    const apiErrorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
        requests: props.api.metricCount({ period: PERIOD, statistic: 'Sum' }),
      },
      label: 'API 5xx %',
      period: PERIOD,
    });
    this.alarm('ApiServerErrorRate', apiErrorRate, `over ${threshold}% of answers were 5xx`, threshold);
    for (const [service, fn] of Object.entries(props.functions)) {
      const rate = new MathExpression({
        expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
        usingMetrics: {
          errors: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
          invocations: fn.metricInvocations({ period: PERIOD, statistic: 'Sum' }),
        },
        label: `${service} errors %`,
        period: PERIOD,
      });
      this.alarm(
        `${pascal(service)}ErrorRate`,
        rate,
        `over ${threshold}% of ${service} invocations failed`,
        threshold,
      );
    }

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `top-webhooks-${props.stage}` });
    const outcomes = [
      'Delivered',
      'PendingRetry',
      'RejectedByTop',
      'Dead',
      'Replayed',
      'Unauthorized',
      'Invalid',
    ];
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# top-webhooks ${props.stage}\nOutcomes are counted per function (dimension \`service\`).`,
        width: 24,
        height: 2,
      }),
      new GraphWidget({
        title: 'Webhook outcomes',
        left: outcomes.map((name) => sumOverServices(name, services, name)),
        width: 12,
      }),
      new GraphWidget({
        title: 'Alarmed: DEAD, TOP auth errors, refresh DLQ',
        left: [dead, authErrors, deadLetters],
        width: 12,
      }),
      new GraphWidget({
        title: 'Order-detail refresh',
        left: [
          'OrdersDispatched',
          'StatusChanged',
          'Unchanged',
          'RefreshFailed',
          'RefreshBanned',
          'Parked',
        ].map((name) => sumOverServices(name, services, name)),
        right: [props.refreshQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD })],
        width: 12,
      }),
      new GraphWidget({
        title: 'API',
        left: [props.api.metricCount({ period: PERIOD }), props.api.metricServerError({ period: PERIOD })],
        right: [props.api.metricLatency({ period: PERIOD, statistic: 'p99' })],
        width: 12,
      }),
      new GraphWidget({
        title: 'Alarmed: sellers to reauthorize',
        left: [
          reauthorizeSoon.with({ label: 'Sellers to reauthorize soon' }),
          reauthorize.with({ label: 'Sellers to reauthorize now' }),
        ],
        width: 24,
      }),
      new GraphWidget({
        title: 'Function errors and p99 duration',
        left: Object.values(props.functions).map((fn) => fn.metricErrors({ period: PERIOD })),
        right: Object.values(props.functions).map((fn) =>
          fn.metricDuration({ period: PERIOD, statistic: 'p99' }),
        ),
        width: 24,
      }),
    );
  }

  private alarm(id: string, metric: IMetric, description: string, threshold = 1): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened: no DEAD operation, no error.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

/** One count summed over every function that may publish it: metrics carry a `service` dimension. */
function sumOverServices(
  metricName: string,
  services: readonly string[],
  label = metricName,
): MathExpression {
  const usingMetrics = Object.fromEntries(
    // Ids are unique per graph, so several sums can share one widget.
    services.map((service, index) => [
      `${metricName.charAt(0).toLowerCase()}${metricName.slice(1)}${index}`,
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        statistic: 'Sum',
        period: PERIOD,
      }),
    ]),
  );
  return new MathExpression({
    // FILL: a function that published nothing counts as 0 instead of blanking the sum.
    expression: Object.keys(usingMetrics)
      .map((key) => `FILL(${key}, 0)`)
      .join(' + '),
    usingMetrics,
    label,
    period: PERIOD,
  });
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
