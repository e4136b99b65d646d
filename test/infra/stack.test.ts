// biome-ignore-all lint/suspicious/noExplicitAny: the synthesized template is untyped JSON; the assertions check its shape.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type LoadConfigOptions, loadConfig } from '#lib/config/config.ts';
import { METRICS_NAMESPACE, metricName, TOP_AUTH_ERROR_METRIC } from '#lib/observability/telemetry.ts';
import { dueTableDefinition, operationsTableDefinition } from '#lib/operations/table.ts';
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
  'oauth-callback': { sellers: ['table'] },
  'token-renewal': { sellers: ['table'] },
};

const functionProps = (service: string) => {
  const fn = stack.functions[service];
  if (!fn) throw new Error(`no function ${service}`);
  const resource = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack, fn)];
  return resource?.Properties as Record<string, any>;
};

/** A function's environment as it is at cold start in AWS, for `loadConfig`. */
const coldStartEnvironment = (service: string) => {
  const variables = functionProps(service).Environment.Variables as Record<string, unknown>;
  // Values CloudFormation fills in (names, ARNs, URLs) stand in as literals of the same shape.
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : key.endsWith('_URL') ? 'https://sqs.example.com/1/q' : 'from-cfn',
    ]),
  );
};

describe('the functions', () => {
  it('are the nine the system runs', () => {
    expect(Object.keys(stack.functions).sort()).toEqual(Object.keys(COLD_START_OPTIONS).sort());
    template.resourceCountIs('AWS::Lambda::Function', 9);
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
    const env = coldStartEnvironment(service);
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
    expect(variables).toHaveLength(9);
    for (const each of variables) {
      expect(each).toMatchObject({ AE_GATEWAY_URL: 'https://api.aliexpress.example', AE_PROTOCOL: 'top' });
    }
  });

  it('gives the webhook timeouts room for the TOP deadline, and the sweeper room for a batch', () => {
    expect(functionProps('wms-delivery').Timeout).toBeGreaterThanOrEqual(10);
    expect(functionProps('retry-sweeper').Timeout).toBeGreaterThanOrEqual(60);
  });

  it('gives the OAuth callback 15 s for its code exchange, and the token renewal 60 s for a run', () => {
    expect(functionProps('oauth-callback').Timeout).toBe(15);
    expect(functionProps('token-renewal').Timeout).toBe(60);
  });
});

describe('the tables', () => {
  const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')).map((t) => t.Properties as any);

  it('are three, on demand, with TTL on expires_at, point-in-time recovery and deletion protection', () => {
    expect(tables).toHaveLength(3);
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

  it.each([
    ['Operations', operationsTableDefinition, ['due', 'list']],
    ['LogisticsOrders', logisticsOrdersTableDefinition, ['due', 'list']],
    // The base every table shares: the sellers have no operator list.
    ['Sellers', dueTableDefinition, ['due']],
  ] as const)(
    '%s has the keys and the sparse indexes the stores (and the local stack) are written for',
    (name, definition, indexes) => {
      const sorted = <T extends { AttributeName: string }>(list: readonly T[]) =>
        [...list].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
      const table = (
        resourcesOf(template, 'AWS::DynamoDB::Table')[logicalIdOf(stack, findTable(name))] as any
      ).Properties;
      expect(sorted(table.AttributeDefinitions)).toEqual(sorted(definition.AttributeDefinitions));
      expect(table.KeySchema).toEqual(definition.KeySchema);
      expect(table.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
      expect(table.GlobalSecondaryIndexes.map((index: any) => index.IndexName)).toEqual(indexes);
    },
  );

  it('project into the list indexes what the lists read, and nothing of an order’s snapshot', () => {
    const listOf = (name: string) =>
      (
        resourcesOf(template, 'AWS::DynamoDB::Table')[logicalIdOf(stack, findTable(name))] as any
      ).Properties.GlobalSecondaryIndexes.find((index: any) => index.IndexName === 'list').Projection;
    expect(listOf('Operations')).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: [
        'operation_id',
        'flow',
        'status',
        'attempts',
        'created_at',
        'updated_at',
        'last_error',
        'expires_at',
      ],
    });
    expect(listOf('LogisticsOrders')).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['status', 'expires_at'],
    });
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

  it('keep the sellers (no personal data, no tokens) in a table of their own, under an AWS-managed key', () => {
    const sellers = resourcesOf(template, 'AWS::DynamoDB::Table')[
      logicalIdOf(stack, findTable('Sellers'))
    ] as any;
    expect(sellers.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(sellers.DeletionPolicy).toBe('Retain');
    expect(sellers.Properties.GlobalSecondaryIndexes.map((i: any) => i.IndexName)).toEqual(['due']);
  });

  function findTable(name: string) {
    const table = stack.node.findAll().find((c) => c.node.path.endsWith(`/Data/${name}`));
    if (!table) throw new Error(`no table ${name}`);
    return table as never;
  }

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

  it('feeds the worker batches of five seconds of its pace, with partial batch responses and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(stack, stack.functions['refresh-worker'] as never) },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(worker.Environment.Variables.REFRESH_CALLS_PER_SECOND).toBe('20');
    expect(worker.Environment.Variables.REFRESH_CONCURRENCY).toBe('10');
  });

  it('takes the worker count and pace from context, and sizes batches and concurrency by the pace', () => {
    const scaled = synthStack({ refreshWorkers: '5', refreshCallsPerSecond: '8' });
    scaled.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 40,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    scaled.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ REFRESH_CALLS_PER_SECOND: '8', REFRESH_CONCURRENCY: '8' }),
      },
    });
  });

  it('paces each worker at its share of the budget under the platform limit it is given', () => {
    const limited = synthStack({ refreshWorkers: '2', topCallsPerSecond: '200' });
    limited.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 475,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    limited.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ REFRESH_CALLS_PER_SECOND: '95', REFRESH_CONCURRENCY: '48' }),
      },
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

  it('run the sweeper, the dispatcher and the token renewal every minute, without retrying a missed tick', () => {
    const schedules = targets();
    expect(schedules).toHaveLength(3);
    const invoked = schedules.map((s) => s.Target.Arn['Fn::GetAtt'][0]).sort();
    expect(invoked).toEqual(
      [
        stack.functions['retry-sweeper'],
        stack.functions['refresh-dispatcher'],
        stack.functions['token-renewal'],
      ]
        .map((fn) => logicalIdOf(stack, fn as never))
        .sort(),
    );
    for (const s of schedules) {
      expect(s.ScheduleExpression).toBe('rate(1 minute)');
      expect(s.Target.RetryPolicy.MaximumRetryAttempts).toBe(0);
    }
  });

  it('take their rates from context', () => {
    const slow = synthStack({ sweepMinutes: '5', dispatchMinutes: '10', renewMinutes: '15' });
    const expressionOf = (service: string) =>
      Object.values(resourcesOf(slow.template, 'AWS::Scheduler::Schedule'))
        .map((s) => s.Properties as any)
        .find(
          (s) =>
            s.Target.Arn['Fn::GetAtt'][0] === logicalIdOf(slow.stack, slow.stack.functions[service] as never),
        )?.ScheduleExpression;
    expect(expressionOf('retry-sweeper')).toBe('rate(5 minutes)');
    expect(expressionOf('refresh-dispatcher')).toBe('rate(10 minutes)');
    expect(expressionOf('token-renewal')).toBe('rate(15 minutes)');
  });
});

describe('the HTTP API', () => {
  const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map(
    (r) => r.Properties as any,
  );
  const authorizationOf = (routeKey: string) =>
    routes.find((r) => r.RouteKey === routeKey)?.AuthorizationType;

  /** The function a route's integration invokes. */
  const functionOf = (routeKey: string) => {
    const target = routes.find((r) => r.RouteKey === routeKey)?.Target['Fn::Join'][1][1].Ref;
    const integration = resourcesOf(template, 'AWS::ApiGatewayV2::Integration')[target]?.Properties as any;
    const fnId = integration.IntegrationUri['Fn::GetAtt'][0];
    return Object.entries(stack.functions).find(([, fn]) => logicalIdOf(stack, fn) === fnId)?.[0];
  };

  it('leaves the webhook routes to the signature check in the functions', () => {
    for (const key of [
      'POST /webhooks/wms/delivery-orders',
      'POST /webhooks/storefront/fulfillments',
      'POST /webhooks/storefront/logistics-orders',
    ]) {
      expect(authorizationOf(key)).toBe('NONE');
    }
  });

  it('leaves the OAuth callback public: the seller’s browser lands there, the function checks the state', () => {
    expect(authorizationOf('GET /oauth/callback')).toBe('NONE');
    expect(functionOf('GET /oauth/callback')).toBe('oauth-callback');
  });

  it('puts the operator routes behind IAM, the sellers’ and the lists among them', () => {
    const operatorRoutes = [
      'GET /operations',
      'GET /operations/{id}',
      'POST /operations/{id}/replay',
      'POST /operations/replay',
      'GET /logistics-orders',
      'GET /logistics-orders/{id}',
      'DELETE /logistics-orders/{id}',
      'GET /status',
      'GET /sellers',
      'GET /sellers/{seller_id}',
      'GET /sellers/{seller_id}/authorize',
    ];
    for (const key of operatorRoutes) {
      expect(authorizationOf(key)).toBe('AWS_IAM');
      expect(functionOf(key)).toBe('operator-api');
    }
    // Three webhooks, the OAuth callback, and the operator's.
    expect(routes).toHaveLength(3 + 1 + operatorRoutes.length);
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
    expect(rates).toHaveLength(10);
    for (const service of Object.keys(COLD_START_OPTIONS)) {
      expect(alarms.some((a) => a.Metrics?.some((m: any) => m.Label === `${service} errors %`))).toBe(true);
    }
  });

  it.each([
    ['SellersReauthorizeSoon', /last quarter.*authorize link/],
    ['SellersReauthorize', /can no longer be renewed.*parked/],
  ])('raise %s when the token renewal counts one seller or more', (name, description) => {
    const alarm = alarms.find((a) => a.MetricName === name);
    expect(alarm).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'token-renewal' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmDescription).toMatch(description);
    expect(alarm.AlarmActions).toHaveLength(1);
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

  it('come with a dashboard, which shows the sellers to reauthorize', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'top-webhooks-dev' });
    const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard')) as any[];
    // The body is JSON joined with tokens; the metrics' own parts are literal.
    const body = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[])
      .filter((part) => typeof part === 'string')
      .join('');
    for (const name of ['SellersReauthorizeSoon', 'SellersReauthorize']) {
      expect(body).toContain(`"${METRICS_NAMESPACE}","${name}","service","token-renewal"`);
    }
  });
});

describe('the seller authorization’s environment', () => {
  const variablesOf = (service: string) =>
    functionProps(service).Environment.Variables as Record<string, any>;
  const apiId = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Api'))[0];
  const endpoint = { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] };

  // What each function that uses seller tokens needs of the config's sellers section.
  const SELLER_NEEDS: Record<string, LoadConfigOptions['sellers']> = {
    'storefront-fulfill': [],
    'operator-api': ['table', 'publicUrl'],
    'retry-sweeper': [],
    'refresh-dispatcher': [],
    'refresh-worker': [],
    'oauth-callback': ['table', 'publicUrl'],
    'token-renewal': ['table'],
  };

  it.each(Object.entries(SELLER_NEEDS))(
    '%s is told what the runtime’s sellers section requires',
    (service, sellers) => {
      expect(() => loadConfig(coldStartEnvironment(service), { sellers })).not.toThrow();
    },
  );

  it('tells every function that uses seller tokens their secrets’ name prefix, and no other function', () => {
    for (const service of Object.keys(stack.functions)) {
      expect(variablesOf(service).SELLER_TOKENS_PREFIX).toBe(
        service in SELLER_NEEDS ? 'top-webhooks/dev/seller-tokens/' : undefined,
      );
    }
    const prod = synthStack({ stage: 'prod' });
    prod.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SELLER_TOKENS_PREFIX: 'top-webhooks/prod/seller-tokens/' }),
      },
    });
  });

  it('names the sellers table to the operator API, the OAuth callback and the token renewal only', () => {
    const sellersTable = Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table')).find((id) =>
      id.startsWith('DataSellers'),
    );
    const named = Object.keys(stack.functions).filter((service) => variablesOf(service).SELLERS_TABLE);
    expect(named.sort()).toEqual(['oauth-callback', 'operator-api', 'token-renewal']);
    for (const service of named) expect(variablesOf(service).SELLERS_TABLE).toEqual({ Ref: sellersTable });
  });

  it('names the operations table to the new functions, as their shared config requires', () => {
    for (const service of ['oauth-callback', 'token-renewal']) {
      expect(variablesOf(service).OPERATIONS_TABLE).toEqual({
        Ref: expect.stringMatching(/^DataOperations/),
      });
    }
  });

  it('gives the operator API and the OAuth callback the API’s own endpoint as PUBLIC_URL by default', () => {
    const told = Object.keys(stack.functions).filter((service) => variablesOf(service).PUBLIC_URL);
    expect(told.sort()).toEqual(['oauth-callback', 'operator-api']);
    for (const service of told) expect(variablesOf(service).PUBLIC_URL).toEqual(endpoint);
    template.hasOutput('OauthCallbackUrl', { Value: { 'Fn::Join': ['', [endpoint, '/oauth/callback']] } });
  });

  it('gives them the publicUrl from context instead, and the callback URL built on it', () => {
    const custom = synthStack({ publicUrl: 'https://sellers.example.com/top' });
    for (const service of ['operator-api', 'oauth-callback']) {
      const fn = custom.stack.functions[service] as never;
      const props = resourcesOf(custom.template, 'AWS::Lambda::Function')[logicalIdOf(custom.stack, fn)]
        ?.Properties as any;
      expect(props.Environment.Variables.PUBLIC_URL).toBe('https://sellers.example.com/top');
    }
    custom.template.hasOutput('OauthCallbackUrl', {
      Value: 'https://sellers.example.com/top/oauth/callback',
      Description: Match.stringLikeRegexp('callback URL'),
    });
  });

  it.each([
    ['by default', {}],
    ['with egressIp', { egressIp: 'true' }],
  ])(
    'makes no dependency cycle %s (the functions name the API, the API’s routes the functions)',
    (_, context) => {
      expect(dependencyCycle(synthStack(context).template.toJSON().Resources)).toBeUndefined();
    },
  );
});

/** A cycle of resources that depend on each other (through Ref, Fn::GetAtt or DependsOn), if any. */
function dependencyCycle(resources: Record<string, any>): string[] | undefined {
  const dependencies = (node: unknown, found = new Set<string>()): Set<string> => {
    if (Array.isArray(node)) for (const each of node) dependencies(each, found);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Ref' && typeof value === 'string' && value in resources) found.add(value);
        else if (key === 'Fn::GetAtt' && Array.isArray(value) && value[0] in resources) found.add(value[0]);
        else dependencies(value, found);
      }
    }
    return found;
  };
  const edges = Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => [
      id,
      [...dependencies(resource.Properties), ...[resource.DependsOn ?? []].flat()],
    ]),
  );
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return undefined;
    for (const next of edges[id] ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return undefined;
  };
  for (const id of Object.keys(edges)) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the outputs', () => {
  it('give the API URL, the OAuth callback URL, the secret ids, the refresh DLQ and the sweeper log group', () => {
    for (const name of [
      'ApiUrl',
      'OauthCallbackUrl',
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
