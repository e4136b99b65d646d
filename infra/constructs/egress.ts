import {
  CfnEIP,
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  NatProvider,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionNetwork } from './house-function.ts';

export interface FixedEgressProps {
  /** Retention of the VPC flow logs. */
  readonly logRetention: RetentionDays;
  /**
   * Availability zones of the functions' subnets; they all leave through the one NAT gateway.
   * @default 2
   */
  readonly maxAzs?: number;
}

/**
 * One fixed outbound address for functions that call platforms with an IP allow-list: a VPC whose
 * private subnets leave through a single NAT gateway holding an Elastic IP created here, so the
 * address is an output of the deploy and outlives a replaced NAT gateway (removing the construct
 * releases it). DynamoDB is reached through a gateway endpoint (free, and off the NAT gateway's
 * per-GB charge); every other AWS API and the platforms go through the NAT gateway. Flow logs go
 * to a log group of their own.
 */
export class FixedEgress extends Construct {
  readonly vpc: Vpc;
  readonly address: CfnEIP;
  /** What a `HouseFunction` takes to run in the private subnets. */
  readonly network: FunctionNetwork;

  constructor(scope: Construct, id: string, props: FixedEgressProps) {
    super(scope, id);
    this.address = new CfnEIP(this, 'Address', { domain: 'vpc' });
    const flowLogs = new LogGroup(this, 'FlowLogs', { retention: props.logRetention });
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs ?? 2,
      natGateways: 1,
      natGatewayProvider: NatProvider.gateway({ eipAllocationIds: [this.address.attrAllocationId] }),
      subnetConfiguration: [
        { name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Functions', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      gatewayEndpoints: {
        DynamoDb: {
          service: GatewayVpcEndpointAwsService.DYNAMODB,
          subnets: [{ subnetType: SubnetType.PRIVATE_WITH_EGRESS }],
        },
      },
      flowLogs: { All: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs) } },
      // Nothing uses the default group; locking it down would take a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
    });
    const securityGroup = new SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'Platform-calling functions: outbound only, nothing inbound',
      allowAllOutbound: true,
    });
    this.network = {
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
    };
  }
}
