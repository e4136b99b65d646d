// biome-ignore-all lint/suspicious/noExplicitAny: the synthesized template is untyped JSON; the assertions check its shape.
import { describe, expect, it } from 'vitest';
import { logicalIdOf, resourcesOf, synthStack } from '#test/helpers/cdk.ts';

const { stack, template } = synthStack();

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => p.Properties as any);

/** Every statement of the policies attached to a function's role. */
function statementsOf(service: string): Statement[] {
  const fn = stack.functions[service];
  if (!fn) throw new Error(`no function ${service}`);
  const roleId = logicalIdOf(stack, fn.role as never);
  return policies
    .filter((p) => p.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.PolicyDocument.Statement as Statement[]);
}

const tableIds = Object.fromEntries(
  ['Operations', 'LogisticsOrders', 'Sellers'].map((name) => [
    name,
    Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table')).find((id) => id.startsWith(`Data${name}`)),
  ]),
) as Record<'Operations' | 'LogisticsOrders' | 'Sellers', string>;

/** The DynamoDB actions a function may take, by table, with Query by index. */
function dynamoAccess(service: string): Record<string, string[]> {
  const access: Record<string, string[]> = {};
  for (const statement of statementsOf(service)) {
    const actions = list(statement.Action).filter((a) => a.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    for (const resource of list(statement.Resource as any)) {
      const text = JSON.stringify(resource);
      const table = Object.entries(tableIds).find(([, id]) => text.includes(id))?.[0] ?? text;
      const index = /\/index\/(\w+)/.exec(text)?.[1];
      const key = index ? `${table}/index/${index}` : table;
      access[key] = [...(access[key] ?? []), ...actions.map((a) => a.slice('dynamodb:'.length))].sort();
    }
  }
  return access;
}

const ITEM_ACCESS = ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'];

describe('what each function may do with the tables', () => {
  it.each([
    ['wms-delivery', { Operations: ITEM_ACCESS }],
    ['storefront-fulfill', { Operations: ITEM_ACCESS }],
    [
      'operator-api',
      {
        Operations: ITEM_ACCESS,
        // The lists and the status counts: Query on the `list` index only, never a Scan.
        'Operations/index/list': ['Query'],
        // Shows, lists (a BatchGetItem of a page's orders) and untracks orders.
        LogisticsOrders: ['BatchGetItem', 'DeleteItem', 'GetItem'],
        // The list, and the parked sellers' count on the `due` index.
        'LogisticsOrders/index/due': ['Query'],
        'LogisticsOrders/index/list': ['Query'],
        Sellers: ['BatchGetItem', 'GetItem', 'PutItem'],
        'Sellers/index/due': ['Query'],
      },
    ],
    ['retry-sweeper', { Operations: ITEM_ACCESS, 'Operations/index/due': ['Query'] }],
    // Nothing but the operator API queries the `list` indexes (checked below, too).
    ['tracking', { LogisticsOrders: ['GetItem', 'PutItem'] }],
    [
      'refresh-dispatcher',
      {
        Operations: ['GetItem'],
        LogisticsOrders: ['DeleteItem', 'GetItem', 'UpdateItem'],
        'LogisticsOrders/index/due': ['Query'],
      },
    ],
    ['refresh-worker', { Operations: ['GetItem', 'PutItem'], LogisticsOrders: ['GetItem', 'PutItem'] }],
    ['oauth-callback', { Sellers: ITEM_ACCESS }],
    ['token-renewal', { Sellers: ['GetItem', 'PutItem', 'UpdateItem'], 'Sellers/index/due': ['Query'] }],
  ])('%s gets exactly the item actions its stores use', (service, expected) => {
    expect(dynamoAccess(service)).toEqual(expected);
  });

  it('lets only the operator API query the list indexes, and no function scan a table', () => {
    const queriesList = Object.keys(stack.functions).filter((service) =>
      Object.keys(dynamoAccess(service)).some((key) => key.endsWith('/index/list')),
    );
    expect(queriesList).toEqual(['operator-api']);
    for (const service of Object.keys(stack.functions)) {
      expect(Object.values(dynamoAccess(service)).flat()).not.toContain('Scan');
    }
  });

  it('lets only the functions that use the logistics orders decrypt them, only through DynamoDB', () => {
    const withKey = Object.keys(stack.functions).filter((service) =>
      statementsOf(service).some((s) => list(s.Action).includes('kms:Decrypt')),
    );
    expect(withKey.sort()).toEqual(['operator-api', 'refresh-dispatcher', 'refresh-worker', 'tracking']);
    for (const service of withKey) {
      for (const statement of statementsOf(service).filter((s) =>
        list(s.Action).some((a) => a.startsWith('kms:')),
      )) {
        expect(statement.Condition).toEqual({
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          },
        });
      }
    }
    // The operator reads and untracks orders (DeleteItem, a write to DynamoDB, as CDK's own grants
    // count it): decrypt and encrypt through DynamoDB, on this key only.
    const operatorKms = statementsOf('operator-api').flatMap((s) =>
      list(s.Action).filter((a) => a.startsWith('kms:')),
    );
    expect(operatorKms.sort()).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
  });
});

/** Whether a service is allowed `action` on anything. */
const allowedTo = (action: string) =>
  Object.keys(stack.functions).filter((service) =>
    statementsOf(service).some((s) => list(s.Action).includes(action)),
  );

describe('secrets, queue and bus', () => {
  const secretIds = Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret'));
  // The stack's own secrets, by name (the sellers' token secrets are named by prefix, below).
  const secretsReadBy = (service: string) =>
    statementsOf(service)
      .filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => list(s.Resource as any).flatMap((r: any) => (r.Ref ? [r.Ref as string] : [])))
      .map((ref) => ref.replace(/^Secrets/, '').replace(/[A-F0-9]{8}$/, ''))
      .sort();

  it('lets each webhook function read its own source’s signing secret and the TOP credentials only', () => {
    expect(secretIds).toHaveLength(3);
    expect(secretsReadBy('wms-delivery')).toEqual(['topCredentials', 'wmsWebhook']);
    expect(secretsReadBy('storefront-fulfill')).toEqual(['storefrontWebhook', 'topCredentials']);
    expect(secretsReadBy('tracking')).toEqual(['storefrontWebhook', 'topCredentials']);
    for (const service of [
      'operator-api',
      'retry-sweeper',
      'refresh-dispatcher',
      'refresh-worker',
      'oauth-callback',
      'token-renewal',
    ]) {
      expect(secretsReadBy(service)).toEqual(['topCredentials']);
    }
  });

  it('lets only the dispatcher send to the refresh queue, and only the worker put status events', () => {
    expect(allowedTo('sqs:SendMessage')).toEqual(['refresh-dispatcher']);
    expect(allowedTo('events:PutEvents')).toEqual(['refresh-worker']);
    // Receiving is the event source mapping's, through the worker's role.
    expect(allowedTo('sqs:ReceiveMessage')).toEqual(['refresh-worker']);
  });
});

describe('the sellers’ token secrets', () => {
  // Created at run time, one per seller: granted by name prefix (ARNs end in `-` and 6 random characters).
  const TOKENS = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':secret:top-webhooks/dev/seller-tokens/*',
      ],
    ],
  };
  const onTokens = (service: string) =>
    statementsOf(service).filter((s) =>
      list(s.Resource as any).some((r) => JSON.stringify(r).includes('seller-tokens')),
    );
  const tokenActions = (service: string) =>
    onTokens(service)
      .flatMap((s) => list(s.Action))
      .sort();

  it.each(['storefront-fulfill', 'retry-sweeper', 'refresh-dispatcher', 'refresh-worker', 'operator-api'])(
    '%s may only read them: GetSecretValue on the stage’s prefix',
    (service) => {
      expect(onTokens(service).map((s) => [s.Effect, s.Resource])).toEqual([['Allow', TOKENS]]);
      expect(tokenActions(service)).toEqual(['secretsmanager:GetSecretValue']);
    },
  );

  it('the token renewal may read and replace them, but not create one', () => {
    expect(onTokens('token-renewal').map((s) => s.Resource)).toEqual([TOKENS]);
    expect(tokenActions('token-renewal')).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
    ]);
  });

  it('the OAuth callback alone may create one, for a seller who authorized the app', () => {
    expect(onTokens('oauth-callback').map((s) => s.Resource)).toEqual([TOKENS]);
    expect(tokenActions('oauth-callback')).toEqual([
      'secretsmanager:CreateSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
    ]);
    expect(allowedTo('secretsmanager:CreateSecret')).toEqual(['oauth-callback']);
    expect(allowedTo('secretsmanager:PutSecretValue').sort()).toEqual(['oauth-callback', 'token-renewal']);
  });

  it('WMS delivery and tracking get no access to them', () => {
    for (const service of ['wms-delivery', 'tracking']) expect(onTokens(service)).toEqual([]);
  });

  it('are named by stage: another stage’s functions are granted that stage’s prefix only', () => {
    const prod = synthStack({ stage: 'prod' });
    const resources = Object.values(resourcesOf(prod.template, 'AWS::IAM::Policy')).flatMap((p: any) =>
      (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => list(s.Resource as any)),
    );
    const prefixes = new Set(
      resources.map((r) => JSON.stringify(r).match(/:secret:([^"]*seller-tokens[^"]*)/)?.[1]).filter(Boolean),
    );
    expect([...prefixes]).toEqual(['top-webhooks/prod/seller-tokens/*']);
  });
});

describe('every policy in the stack', () => {
  const statements = policies.flatMap((p) => p.PolicyDocument.Statement as Statement[]);
  const DATA_SERVICES = /^(dynamodb|sqs|secretsmanager|events|kms|logs):/;

  it('names data actions one by one, never with a wildcard', () => {
    const wildcards = statements
      .flatMap((s) => list(s.Action))
      .filter((action) => DATA_SERVICES.test(action) && action.includes('*'));
    expect(wildcards).toEqual([]);
  });

  it('never grants a data action on every resource', () => {
    const open = statements.filter(
      (s) => list(s.Action).some((a) => DATA_SERVICES.test(a)) && list(s.Resource as any).includes('*'),
    );
    expect(open).toEqual([]);
  });

  it('lets each function write to its own log group only', () => {
    for (const [service, fn] of Object.entries(stack.functions)) {
      const logs = statementsOf(service).filter((s) => list(s.Action).some((a) => a.startsWith('logs:')));
      const logGroupId = (
        template.toJSON().Resources[logicalIdOf(stack, fn)].Properties.LoggingConfig.LogGroup as any
      ).Ref;
      expect(logs.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [logGroupId, 'Arn'] }]);
    }
  });

  it('lets each schedule invoke its own function only', () => {
    const scheduleRoles = policies.filter((p) => p.Roles.some((r: any) => /ScheduleRole/.test(r.Ref)));
    expect(scheduleRoles).toHaveLength(3);
    for (const policy of scheduleRoles) {
      const [statement] = policy.PolicyDocument.Statement as Statement[];
      expect(statement?.Action).toBe('lambda:InvokeFunction');
      const targets = new Set(
        list(statement?.Resource as any).map((r) => JSON.stringify(r).match(/"(\w+)","Arn"/)?.[1]),
      );
      expect(targets.size).toBe(1);
    }
  });
});
