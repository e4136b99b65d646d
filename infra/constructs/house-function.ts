import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  LogLevel,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The project's root: entries, the lockfile and package.json `imports` resolve from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The Lambda runtime of every function; the bundles target the same Node version. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

export interface HouseFunctionProps {
  /** The handler module from the project root, e.g. `functions/wms-delivery/index.ts`. */
  readonly entry: string;
  /** The function's description in Lambda. */
  readonly description: string;
  /** How long one invocation may run. */
  readonly timeout: Duration;
  /**
   * Memory in MB, which also sets the function's CPU share.
   * @default 512
   */
  readonly memorySize?: number;
  /** Retention of the function's own log group. */
  readonly logRetention: RetentionDays;
  /**
   * Environment variables, set beside the `NODE_OPTIONS` every function gets.
   * @default - none: only `NODE_OPTIONS`
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The VPC subnets and security groups the function runs in.
   * @default - none: Lambda's own network, with no fixed outbound address
   */
  readonly network?: FunctionNetwork;
}

/** Where a function runs inside a VPC. */
export interface FunctionNetwork {
  /** The VPC the function's network interfaces are placed in. */
  readonly vpc: IVpc;
  /** The subnets within `vpc` the function runs in. */
  readonly vpcSubnets: SubnetSelection;
  /** The security groups of the function's network interfaces. */
  readonly securityGroups: readonly ISecurityGroup[];
}

// What Lambda needs to attach a function to its subnets (AWSLambdaVPCAccessExecutionRole's EC2 part).
const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/**
 * A function of this project: ARM64 on Node 24, bundled locally by esbuild (ESM, minified, the AWS
 * SDK inside, source maps on), with its own log group and retention, and a role of its own that
 * starts with nothing but writing to that log group; every other permission is granted by name.
 */
export class HouseFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    // Our own role instead of AWSLambdaBasicExecutionRole: that policy may write to any log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    super(scope, id, {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        // Stack traces name our files and lines (the bundles ship their source maps).
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: FUNCTION_BUNDLING,
      ...(props.network && {
        vpc: props.network.vpc,
        vpcSubnets: props.network.vpcSubnets,
        securityGroups: [...props.network.securityGroups],
      }),
    });
    logGroup.grantWrite(role);
    // With our own role the CDK adds no VPC policy; the managed one would also let it write any log group.
    if (props.network) {
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ENI_ACTIONS, resources: ['*'] }));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Lambda attaches the function to its VPC subnets through this role: the EC2 Describe actions take no resource, and the network interfaces it creates and deletes have no ARN before they exist (AWSLambdaVPCAccessExecutionRole grants the same on *).',
      });
    }
  }
}

/** How every function is bundled; the bundle test and the benchmark read what it produces. */
export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  // Only what needs reading: esbuild's size table and "Done" lines bury a synth's real messages.
  logLevel: LogLevel.WARNING,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  // Stack traces map to file and line without shipping the sources themselves.
  sourcesContent: false,
  // The runtime's SDK version is whatever Lambda ships that day; ours is the one we tested.
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
  // Dependencies still written as CommonJS call `require`, which an ES module lacks.
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};
