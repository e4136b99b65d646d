// The CDK app (`cdk.json`): one stack per stage, checked by cdk-nag's AWS Solutions rules at synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from './build-app.ts';
import { StackSettingsError } from './settings.ts';

const app = new App();
try {
  buildApp(app);
} catch (error) {
  if (!(error instanceof StackSettingsError)) throw error;
  // One line naming each bad key: a stack trace would only bury it.
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
