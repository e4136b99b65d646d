// biome-ignore-all lint/suspicious/noExplicitAny: the synthesized template is untyped JSON; the assertions check its shape.
import { type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { nagCheckedApp } from '#test/helpers/cdk.ts';

interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

// The acknowledgement is written to each resource under the construct it was made on.
const acknowledgedIn = (stack: Stack): Acknowledgement[] =>
  Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, any>)
    .flatMap((resource) => (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Acknowledgement[])
    .filter((ack) => ack.id.startsWith('AwsSolutions-'));
const ruleOf = (ack: Acknowledgement) => ack.id.replace(/\[.*$/, '');
const RULES_ACKNOWLEDGED = ['AwsSolutions-APIG4', 'AwsSolutions-IAM5', 'AwsSolutions-SMG4'];

describe('cdk-nag AWS Solutions checks', () => {
  it('pass for the stack as deployed, every finding left being acknowledged with a reason', () => {
    const { app, stack } = nagCheckedApp();
    expect(() => app.synth()).not.toThrow();

    const acknowledged = acknowledgedIn(stack);
    expect(new Set(acknowledged.map(ruleOf))).toEqual(new Set(RULES_ACKNOWLEDGED));
    for (const ack of acknowledged) expect(ack.reason.length).toBeGreaterThan(40);
  });

  it('pass with imported secrets and an alarm e-mail as well', () => {
    const { app } = nagCheckedApp({
      topCredentialsSecret: 'shared/top',
      wmsWebhookSecret: 'shared/wms',
      storefrontWebhookSecret: 'shared/storefront',
      alarmEmail: 'ops@example.com',
    });
    expect(() => app.synth()).not.toThrow();
  });

  it('pass with the fixed egress address, acknowledging nothing of a new kind', () => {
    const { app, stack } = nagCheckedApp({ egressIp: 'true' });
    expect(() => app.synth()).not.toThrow();
    const acknowledged = acknowledgedIn(stack);
    expect(new Set(acknowledged.map(ruleOf))).toEqual(new Set(RULES_ACKNOWLEDGED));
    for (const ack of acknowledged) expect(ack.reason.length).toBeGreaterThan(40);
  });

  it.each([
    ['without', {}],
    ['with', { egressIp: 'true' }],
  ])(
    'acknowledge the sellers’ token prefix %s egressIp, on the seven roles granted it and nowhere else',
    (_, context) => {
      const { app, stack } = nagCheckedApp(context);
      expect(() => app.synth()).not.toThrow();
      const id =
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:top-webhooks/dev/seller-tokens/*]';
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
      const acknowledgingPolicies = Object.values(resources).filter(
        (resource) =>
          resource.Type === 'AWS::IAM::Policy' &&
          (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).some((ack: Acknowledgement) => ack.id === id),
      );
      const roles = acknowledgingPolicies.flatMap((policy) => policy.Properties.Roles.map((r: any) => r.Ref));
      const granted = [
        'storefront-fulfill',
        'operator-api',
        'retry-sweeper',
        'refresh-dispatcher',
        'refresh-worker',
        'oauth-callback',
        'token-renewal',
      ].map((service) => stack.getLogicalId(stack.functions[service]?.role?.node.defaultChild as never));
      expect(roles.sort()).toEqual(granted.sort());
      for (const policy of acknowledgingPolicies) {
        const ack = policy.Metadata.cdk_nag.rules_to_suppress.find((a: Acknowledgement) => a.id === id);
        expect(ack.reason).toMatch(/created at run time, one per seller.*6 random characters/);
      }
    },
  );

  it('fail the synth on a finding nobody acknowledged', () => {
    const { app, stack } = nagCheckedApp();
    new Queue(stack, 'Unchecked', { enforceSSL: false });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('let one acknowledged finding through, and only that one', () => {
    const { app, stack } = nagCheckedApp();
    const queue = new Queue(stack, 'Unchecked', { enforceSSL: true });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'a test queue without a DLQ' });
    expect(() => app.synth()).not.toThrow();
  });
});
