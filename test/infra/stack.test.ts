// biome-ignore-all lint/suspicious/noExplicitAny: the synthesized template is untyped JSON; the assertions check its shape.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type LoadConfigOptions, loadConfig } from '#lib/config/config.ts';
import { METRICS_NAMESPACE, metricName, TOP_AUTH_ERROR_METRIC } from '#lib/observability/telemetry.ts';
import { operationsTableDefinition } from '#lib/operations/table.ts';
import { logisticsOrdersTableDefinition } from '#lib/tracking/table.ts';
import { logicalIdOf, resourcesOf, synthStack } from '#test/helpers/cdk.ts';

const { stack, template } = synthStack();

// What each function's module asks of `loadConfig` at cold start (`functions/<name>/index.ts`).
const COLD_START_OPTIONS: Record<string, LoadConfigOptions> = {
  'wms-delivery': { webhookSources: ['wms'] },
  'storefront-fulfill': { webhookSources: ['storefront'] },
  tracking: { webhookSources: ['storefront'], tracking: [] },
  'operator-api': { tracking: [] },
  'retry-sweeper': {},
  'refresh-dispatcher': { tracking: ['queue'] },
  'refresh-worker': { tracking: ['events'] },
};

const functionProps = (service: string) => {
  const fn = stack.functions[service];
  if (!fn) throw new Error(`no function ${service}`);
  const resource = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack, fn)];
  return resource?.Properties as Record<string, any>;
};

describe('the functions', () => {
  it('are the seven the system runs', () => {
    expect(Object.keys(stack.functions).sort()).toEqual(Object.keys(COLD_START_OPTIONS).sort());
    template.resourceCountIs('AWS::Lambda::Function', 7);
  });

  it.each(Object.keys(COLD_START_OPTIONS))('%s runs on ARM64 with Node 22 or newer', (service) => {
    const props = functionProps(service);
    expect(props.Architectures).toEqual(['arm64']);
    const [, major] = /^nodejs(\d+)\.x$/.exec(props.Runtime) ?? [];
    expect(Number(major)).toBeGreaterThanOrEqual(22);
    expect(props.Handler).toBe('index.handler');
    expect(props.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it.each(Object.keys(COLD_START_OPTIONS))(
    '%s logs to its own log group, which has a retention',
    (service) => {
      const logGroupId = functionProps(service).LoggingConfig.LogGroup.Ref as string;
      const logGroup = resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId];
      expect(logGroup?.Properties?.RetentionInDays).toBe(90);
    },
  );

  it.each(Object.keys(COLD_START_OPTIONS))('%s has the environment its cold start requires', (service) => {
    const variables = functionProps(service).Environment.Variables as Record<string, unknown>;
    // Values CloudFormation fills in (names, ARNs, URLs) stand in as literals of the same shape.
    const env = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : key.endsWith('_URL') ? 'https://sqs.example.com/1/q' : 'from-cfn',
      ]),
    );
    expect(() => loadConfig(env, COLD_START_OPTIONS[service])).not.toThrow();
    expect(env.TOP_CREDENTIALS_SECRET_ID).toBeDefined();
  });

  it.each(Object.keys(COLD_START_OPTIONS))(
    '%s is told both platforms: the TOP gateway, the AliExpress host and protocol',
    (service) => {
      expect(functionProps(service).Environment.Variables).toMatchObject({
        TOP_GATEWAY_URL: 'https://eco.taobao.com/router/rest',
        AE_GATEWAY_URL: 'https://api-sg.aliexpress.com',
        AE_PROTOCOL: 'iop',
      });
    },
  );

  it('take the AliExpress host and protocol from context', () => {
    const told = synthStack({ aeGatewayUrl: 'https://api.aliexpress.example/', aeProtocol: 'top' });
    const variables = Object.values(resourcesOf(told.template, 'AWS::Lambda::Function')).map(
      (fn) => (fn.Properties as any).Environment.Variables,
    );
    expect(variables).toHaveLength(7);
    for (const each of variables) {
      expect(each).toMatchObject({ AE_GATEWAY_URL: 'https://api.aliexpress.example', AE_PROTOCOL: 'top' });
    }
  });

  it('gives the webhook timeouts room for the TOP deadline, and the sweeper room for a batch', () => {
    expect(functionProps('wms-delivery').Timeout).toBeGreaterThanOrEqual(10);
    expect(functionProps('retry-sweeper').Timeout).toBeGreaterThanOrEqual(60);
  });
});

describe('the tables', () => {
  const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')).map((t) => t.Properties as any);

  it('are two, on demand, with TTL on expires_at, point-in-time recovery and deletion protection', () => {
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expires_at', Enabled: true });
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionProtectionEnabled).toBe(true);
    }
    for (const resource of Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'))) {
      expect(resource.DeletionPolicy).toBe('Retain');
    }
  });

  it('have the keys and the sparse due index the stores are written for', () => {
    for (const definition of [operationsTableDefinition, logisticsOrdersTableDefinition]) {
      const sorted = <T extends { AttributeName: string }>(list: readonly T[]) =>
        [...list].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
      for (const table of tables) {
        expect(sorted(table.AttributeDefinitions)).toEqual(sorted(definition.AttributeDefinitions));
        expect(table.KeySchema).toEqual(definition.KeySchema);
        expect(table.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
      }
    }
  });

  it('encrypt the logistics orders (personal data) with a rotating customer-managed key', () => {
    const keyId = logicalIdOf(stack, { node: { defaultChild: findKey() } });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  function findKey() {
    return stack.node.findAll().find((c) => c.node.path.endsWith('/Data/PersonalDataKey/Resource'));
  }
});

describe('the secrets', () => {
  it('are created, kept on stack deletion, when the context names none', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { Name: 'top-webhooks/dev/top-credentials' },
      DeletionPolicy: 'Retain',
    });
  });

  it('are imported by name or by ARN when the context names them, and the functions get that id', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:wms-AbCdEf';
    const imported = synthStack({
      topCredentialsSecret: 'shared/top-credentials',
      wmsWebhookSecret: arn,
      storefrontWebhookSecret: 'shared/storefront',
    });
    imported.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    imported.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TOP_CREDENTIALS_SECRET_ID: 'shared/top-credentials',
          WMS_WEBHOOK_SECRET_ID: arn,
        }),
      },
    });
  });
});

describe('the refresh queue, its event source and the status bus', () => {
  const queues = resourcesOf(template, 'AWS::SQS::Queue');
  const worker = functionProps('refresh-worker');

  it('redelivers a message only after six worker timeouts, and moves it to the DLQ after five receives', () => {
    const main = Object.values(queues).find((q) => q.Properties?.RedrivePolicy) as any;
    expect(main.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Timeout);
    expect(main.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    expect(functionProps('refresh-dispatcher').Environment.Variables.REFRESH_LEASE_SECONDS).toBe(
      String(main.Properties.VisibilityTimeout),
    );
  });

  it('encrypts both queues and refuses requests without TLS', () => {
    for (const queue of Object.values(queues)) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect((policy.Properties as any).PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('feeds the worker in batches with partial batch responses and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(stack, stack.functions['refresh-worker'] as never) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(worker.Environment.Variables.REFRESH_CALLS_PER_SECOND).toBe('20');
  });

  it('takes the worker count and pace from context', () => {
    const scaled = synthStack({ refreshWorkers: '5', refreshCallsPerSecond: '8' });
    scaled.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    scaled.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REFRESH_CALLS_PER_SECOND: '8' }) },
    });
  });

  it('publishes status events on a bus of its own', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'top-webhooks-dev-status' });
    expect(worker.Environment.Variables.STATUS_EVENT_BUS_NAME).toEqual({ Ref: expect.any(String) });
  });
});

describe('the schedules', () => {
  const targets = () =>
    Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule')).map((s) => s.Properties as any);

  it('run the sweeper and the dispatcher every minute, without retrying a missed tick', () => {
    const schedules = targets();
    expect(schedules).toHaveLength(2);
    const invoked = schedules.map((s) => s.Target.Arn['Fn::GetAtt'][0]).sort();
    expect(invoked).toEqual(
      [stack.functions['retry-sweeper'], stack.functions['refresh-dispatcher']]
        .map((fn) => logicalIdOf(stack, fn as never))
        .sort(),
    );
    for (const s of schedules) {
      expect(s.ScheduleExpression).toBe('rate(1 minute)');
      expect(s.Target.RetryPolicy.MaximumRetryAttempts).toBe(0);
    }
  });

  it('take their rates from context', () => {
    const slow = synthStack({ sweepMinutes: '5', dispatchMinutes: '10' });
    const expressions = Object.values(resourcesOf(slow.template, 'AWS::Scheduler::Schedule'))
      .map((s) => (s.Properties as any).ScheduleExpression)
      .sort();
    expect(expressions).toEqual(['rate(10 minutes)', 'rate(5 minutes)']);
  });
});

describe('the HTTP API', () => {
  const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map(
    (r) => r.Properties as any,
  );
  const authorizationOf = (routeKey: string) =>
    routes.find((r) => r.RouteKey === routeKey)?.AuthorizationType;

  it('leaves the webhook routes to the signature check in the functions', () => {
    for (const key of [
      'POST /webhooks/wms/delivery-orders',
      'POST /webhooks/storefront/fulfillments',
      'POST /webhooks/storefront/logistics-orders',
    ]) {
      expect(authorizationOf(key)).toBe('NONE');
    }
  });

  it('puts the operator routes behind IAM', () => {
    for (const key of [
      'GET /operations/{id}',
      'POST /operations/{id}/replay',
      'GET /logistics-orders/{id}',
    ]) {
      expect(authorizationOf(key)).toBe('AWS_IAM');
    }
    expect(routes).toHaveLength(6);
  });

  it('throttles its stage and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });
});

describe('the alarms and the dashboard', () => {
  const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as any,
  );
  // A single-metric alarm names its metric; an expression alarm lists the metrics it uses.
  const metricNames = (alarm: any): string[] =>
    alarm.MetricName
      ? [alarm.MetricName]
      : (alarm.Metrics ?? []).flatMap((m: any) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));

  it('watch DEAD operations and TOP auth errors from every function, and the refresh DLQ', () => {
    // The names the functions publish under (lib/observability/telemetry.ts).
    for (const name of [metricName('dead'), TOP_AUTH_ERROR_METRIC]) {
      const alarm = alarms.find((a) => metricNames(a).includes(name));
      expect(new Set(metricNames(alarm))).toEqual(new Set([name]));
      const services = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
      expect(services.map((m: any) => m.Dimensions[0].Value).sort()).toEqual(
        Object.keys(COLD_START_OPTIONS).sort(),
      );
      for (const metric of services) expect(metric.Namespace).toBe(METRICS_NAMESPACE);
    }
    expect(alarms.some((a) => metricNames(a).includes('ApproximateNumberOfMessagesVisible'))).toBe(true);
  });

  it('watch the error rate of each function and of the API', () => {
    const rates = alarms.filter((a) => metricNames(a).includes('Errors') || metricNames(a).includes('5xx'));
    expect(rates).toHaveLength(8);
  });

  it('mail the alarm address when one is given, and nobody otherwise', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = synthStack({ alarmEmail: 'ops@example.com' });
    mailed.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('come with a dashboard', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'top-webhooks-dev' });
  });
});

describe('the outputs', () => {
  it('give the API URL, the secret ids, the refresh DLQ and the sweeper log group', () => {
    for (const name of [
      'ApiUrl',
      'TopCredentialsSecretId',
      'WmsWebhookSecretId',
      'StorefrontWebhookSecretId',
      'RefreshDeadLetterQueueArn',
      'RetrySweeperLogGroup',
    ]) {
      template.hasOutput(name, {});
    }
  });
});
