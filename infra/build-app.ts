import { type App, Tags } from 'aws-cdk-lib';
import { readStackSettings } from './settings.ts';
import { TopWebhooksStack } from './stack.ts';

/** Builds the stack the app's context asks for; the app and the tests call it alike. */
export function buildApp(app: App): TopWebhooksStack {
  const settings = readStackSettings((key) => app.node.tryGetContext(key));
  const stack = new TopWebhooksStack(app, `TopWebhooks-${settings.stage}`, {
    settings,
    description: `top-webhooks (${settings.stage}): WMS and storefront webhooks to the Taobao Open Platform`,
    // The account and region come from the CLI's credentials at deploy time.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Tags.of(stack).add('project', 'top-webhooks');
  Tags.of(stack).add('stage', settings.stage);
  return stack;
}
