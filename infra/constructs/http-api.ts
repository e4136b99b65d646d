import { Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function.ts';

/** The public webhook routes: each function checks the sender's Standard Webhooks signature itself. */
export const WEBHOOK_ROUTES = {
  wmsDelivery: { method: HttpMethod.POST, path: '/webhooks/wms/delivery-orders' },
  storefrontFulfill: { method: HttpMethod.POST, path: '/webhooks/storefront/fulfillments' },
  tracking: { method: HttpMethod.POST, path: '/webhooks/storefront/logistics-orders' },
} as const;

/**
 * Where a seller's browser lands after authorizing the app on the AliExpress Open Platform (the
 * callback URL registered on the platform's console): public, served by the OAuth callback function.
 */
export const OAUTH_CALLBACK_ROUTE = { method: HttpMethod.GET, path: '/oauth/callback' } as const;

/** The operator routes: IAM-authorized (SigV4), served by the operator API function. */
export const OPERATOR_ROUTES = [
  { method: HttpMethod.GET, path: '/operations' },
  { method: HttpMethod.GET, path: '/operations/{id}' },
  { method: HttpMethod.POST, path: '/operations/{id}/replay' },
  { method: HttpMethod.POST, path: '/operations/replay' },
  { method: HttpMethod.GET, path: '/logistics-orders' },
  { method: HttpMethod.GET, path: '/logistics-orders/{id}' },
  { method: HttpMethod.DELETE, path: '/logistics-orders/{id}' },
  { method: HttpMethod.GET, path: '/status' },
  { method: HttpMethod.GET, path: '/sellers' },
  { method: HttpMethod.GET, path: '/sellers/{seller_id}' },
  // The seller's authorize link (it writes a one-time OAuth state): an operator sends it to the seller.
  { method: HttpMethod.GET, path: '/sellers/{seller_id}/authorize' },
] as const;

export interface WebhookApiProps {
  /** The deployment stage, part of the API's name. */
  readonly stage: string;
  /** The function behind each webhook route of `WEBHOOK_ROUTES`. */
  readonly webhooks: Record<keyof typeof WEBHOOK_ROUTES, HouseFunction>;
  /** The function behind the IAM-authorized operator routes. */
  readonly operatorApi: HouseFunction;
  /** The function behind the public `OAUTH_CALLBACK_ROUTE`. */
  readonly oauthCallback: HouseFunction;
  /** Steady-state requests per second the default stage accepts. */
  readonly rateLimit: number;
  /** Requests the default stage accepts at once (its token bucket's size). */
  readonly burstLimit: number;
  /** Retention of the access logs. */
  readonly logRetention: RetentionDays;
}

/**
 * An HTTP API (payload v2, the event the handlers take). REST's extras do not earn their cost here:
 * request validation would repeat what each function checks against the TOP API's rules (and 401
 * must come before 400, which only the function knows), and WAF, if wanted, can sit in CloudFront.
 * Its default stage is throttled and writes JSON access logs.
 */
export class WebhookApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `top-webhooks-${props.stage}`,
      description: 'Webhooks from warehouses and storefronts to the Taobao Open Platform; operator API',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    for (const [name, route] of Object.entries(WEBHOOK_ROUTES)) {
      const fn = props.webhooks[name as keyof typeof WEBHOOK_ROUTES];
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [route.method],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      });
      if (added) {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Webhook senders (WMS, storefront) sign each delivery (Standard Webhooks HMAC); the function verifies the signature before anything is stored and answers 401 otherwise. API Gateway cannot check an HMAC over the body.',
        });
      }
    }
    const [callback] = this.api.addRoutes({
      path: OAUTH_CALLBACK_ROUTE.path,
      methods: [OAUTH_CALLBACK_ROUTE.method],
      integration: new HttpLambdaIntegration('OauthCallbackIntegration', props.oauthCallback),
    });
    if (callback) {
      Validations.of(callback).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          "A seller's browser lands here, redirected by the AliExpress Open Platform after the seller authorized the app; it carries no credentials an authorizer could check. The function accepts only a single-use OAuth state the operator API issued with the authorize link, and the code is worthless without the app secret it is exchanged with.",
      });
    }

    const operator = new HttpLambdaIntegration('OperatorApiIntegration', props.operatorApi);
    const iam = new HttpIamAuthorizer();
    for (const route of OPERATOR_ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [route.method],
        integration: operator,
        authorizer: iam,
      });
    }
  }
}
