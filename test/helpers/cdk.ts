import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '#infra/build-app.ts';
import type { TopWebhooksStack } from '#infra/stack.ts';

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: TopWebhooksStack;
  readonly template: Template;
}

/** Builds the stack from `context` without bundling (fast), as `cdk synth -c key=value` would. */
export function synthStack(context: Record<string, unknown> = {}): SynthesizedStack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = buildApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

/** An app like `infra/app.ts`'s: the stack, checked by cdk-nag's AWS Solutions rules at synth. */
export function nagCheckedApp(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = buildApp(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return { app, stack };
}

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }
>;

/** The template's resources of one type, by logical id. */
export const resourcesOf = (template: Template, type: string): Resources =>
  template.findResources(type) as Resources;

/** The logical id of a construct's CloudFormation resource. */
export function logicalIdOf(
  stack: TopWebhooksStack,
  construct: { node: { defaultChild?: unknown } },
): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}
