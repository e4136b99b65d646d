import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretSource, StackSettings } from '../settings.ts';

/** A secret and the id a function is given to fetch it by. */
export interface SecretRef {
  readonly secret: ISecret;
  /** A name or ARN, as Secrets Manager's GetSecretValue takes it. */
  readonly id: string;
}

const DESCRIPTIONS = {
  topCredentials:
    'TOP app key, app secret and seller sessions: {"app_key","app_secret","sign_method","sellers":{"<seller id>":"<session>"}}',
  wmsWebhook: 'WMS webhook signing secret(s): whsec_<base64>, several separated by spaces while rotating',
  storefrontWebhook:
    'Storefront webhook signing secret(s): whsec_<base64>, several separated by spaces while rotating',
} as const;

export interface FunctionSecretsProps {
  /** The stack's settings: the stage names created secrets, `secrets` says where each one comes from. */
  readonly settings: StackSettings;
}

/**
 * The three secrets: each imported by name or ARN from context, or created here. A created secret
 * holds a random placeholder until an operator puts the real value (README "Deploy"); until then
 * the functions that read it answer 503, so senders retry and nothing is accepted and lost.
 */
export class FunctionSecrets extends Construct {
  readonly topCredentials: SecretRef;
  readonly wmsWebhook: SecretRef;
  readonly storefrontWebhook: SecretRef;

  constructor(scope: Construct, id: string, props: FunctionSecretsProps) {
    super(scope, id);
    const { stage, secrets } = props.settings;
    const ref = (name: keyof typeof DESCRIPTIONS, path: string) =>
      secretRef(this, name, secrets[name], `top-webhooks/${stage}/${path}`, DESCRIPTIONS[name]);
    this.topCredentials = ref('topCredentials', 'top-credentials');
    this.wmsWebhook = ref('wmsWebhook', 'wms-webhook-secret');
    this.storefrontWebhook = ref('storefrontWebhook', 'storefront-webhook-secret');
  }
}

function secretRef(
  scope: Construct,
  id: string,
  source: SecretSource,
  createdName: string,
  description: string,
): SecretRef {
  switch (source.kind) {
    case 'name': {
      const secret = Secret.fromSecretNameV2(scope, id, source.name);
      return { secret, id: source.name };
    }
    case 'arn': {
      const secret = Secret.fromSecretCompleteArn(scope, id, source.arn);
      return { secret, id: source.arn };
    }
    case 'create': {
      const secret = new Secret(scope, id, {
        secretName: createdName,
        description,
        // Rotated sessions and secrets live here; they must survive a stack deleted by mistake.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'No rotation Lambda can rotate these: TOP sessions are issued by the seller authorising the app on Taobao, and webhook secrets are shared with the sender. Operators rotate them by putting a new value (README "Deploy"); the functions pick it up without a redeploy.',
      });
      return { secret, id: secret.secretArn };
    }
  }
}
