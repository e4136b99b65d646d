import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
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
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly logRetention: RetentionDays;
  readonly environment?: Readonly<Record<string, string>>;
}

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
    });
    logGroup.grantWrite(role);
  }
}

/** How every function is bundled; the bundle test and the benchmark read what it produces. */
export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
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
