// biome-ignore-all lint/suspicious/noExplicitAny: the synthesized template is untyped JSON; the assertions check its shape.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, resourcesOf, synthStack } from '#test/helpers/cdk.ts';

// The functions that call TOP or IOP; tracking and the refresh dispatcher call neither.
const PLATFORM_CALLERS = [
  'wms-delivery',
  'storefront-fulfill',
  'operator-api',
  'retry-sweeper',
  'refresh-worker',
  'oauth-callback',
  'token-renewal',
];
const OTHERS = ['tracking', 'refresh-dispatcher'];

const { stack, template } = synthStack({ egressIp: 'true' });
const only = (type: string) => {
  const found = Object.entries(resourcesOf(template, type));
  expect(found).toHaveLength(1);
  return found[0] as [string, { Properties?: any }];
};
const functionProps = (service: string) =>
  resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack, stack.functions[service] as never)]
    ?.Properties as any;
const roleStatements = (service: string) => {
  const roleId = logicalIdOf(stack, stack.functions[service]?.role as never);
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement as any[]);
};
const managesInterfaces = (service: string) =>
  roleStatements(service).some((s) => [s.Action].flat().includes('ec2:CreateNetworkInterface'));

describe('without egressIp', () => {
  it('adds no VPC, address or other EC2 resource, and no EgressIp output', () => {
    const plain = synthStack().template;
    const types = Object.values(plain.toJSON().Resources as Record<string, { Type: string }>).map(
      (r) => r.Type,
    );
    expect(types.filter((type) => type.startsWith('AWS::EC2::'))).toEqual([]);
    expect(Object.keys(plain.findOutputs('EgressIp'))).toEqual([]);
    for (const fn of Object.values(resourcesOf(plain, 'AWS::Lambda::Function'))) {
      expect((fn.Properties as any).VpcConfig).toBeUndefined();
    }
  });
});

describe('with egressIp', () => {
  it('puts the platform-calling functions behind one NAT gateway with an Elastic IP when egressIp is set', () => {
    const [addressId] = only('AWS::EC2::EIP');
    const [, nat] = only('AWS::EC2::NatGateway');
    expect(nat.Properties.AllocationId).toEqual({ 'Fn::GetAtt': [addressId, 'AllocationId'] });
    const natId = only('AWS::EC2::NatGateway')[0];
    const natRoutes = Object.values(resourcesOf(template, 'AWS::EC2::Route')).filter(
      (r: any) => r.Properties.NatGatewayId?.Ref === natId,
    );
    // Both private subnets (two zones) leave through it.
    expect(natRoutes).toHaveLength(2);
    for (const service of PLATFORM_CALLERS) {
      const subnets = functionProps(service).VpcConfig.SubnetIds.map((s: any) => s.Ref);
      const tables = Object.values(resourcesOf(template, 'AWS::EC2::SubnetRouteTableAssociation'))
        .filter((a: any) => subnets.includes(a.Properties.SubnetId.Ref))
        .map((a: any) => a.Properties.RouteTableId.Ref);
      expect(tables).toHaveLength(2);
      expect(natRoutes.map((r: any) => r.Properties.RouteTableId.Ref).sort()).toEqual(tables.sort());
    }
  });

  it('gives the Elastic IP as the EgressIp output, for the platforms’ allow-lists', () => {
    const [addressId] = only('AWS::EC2::EIP');
    template.hasOutput('EgressIp', {
      Value: { 'Fn::GetAtt': [addressId, 'PublicIp'] },
      Description: Match.stringLikeRegexp('allow-list'),
    });
  });

  it('leaves tracking and the refresh dispatcher outside the VPC: they call no platform', () => {
    for (const service of OTHERS) {
      expect(functionProps(service).VpcConfig).toBeUndefined();
      expect(managesInterfaces(service)).toBe(false);
    }
  });

  it('gives the VPC functions one security group that lets everything out and nothing in', () => {
    const [groupId, group] = only('AWS::EC2::SecurityGroup');
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }),
    ]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    for (const service of PLATFORM_CALLERS) {
      expect(functionProps(service).VpcConfig.SecurityGroupIds).toEqual([
        { 'Fn::GetAtt': [groupId, 'GroupId'] },
      ]);
    }
  });

  it('lets the VPC functions’ roles manage their network interfaces, without the managed policy', () => {
    for (const service of PLATFORM_CALLERS) expect(managesInterfaces(service)).toBe(true);
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
      expect((role.Properties as any).ManagedPolicyArns).toBeUndefined();
    }
  });

  it('keeps DynamoDB traffic off the NAT gateway with a gateway endpoint on the private route tables', () => {
    const [, endpoint] = only('AWS::EC2::VPCEndpoint');
    expect(endpoint.Properties.VpcEndpointType).toBe('Gateway');
    expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('.dynamodb');
    const natId = only('AWS::EC2::NatGateway')[0];
    const privateTables = Object.values(resourcesOf(template, 'AWS::EC2::Route'))
      .filter((r: any) => r.Properties.NatGatewayId?.Ref === natId)
      .map((r: any) => r.Properties.RouteTableId);
    expect(endpoint.Properties.RouteTableIds).toEqual(expect.arrayContaining(privateTables));
    expect(endpoint.Properties.RouteTableIds).toHaveLength(privateTables.length);
  });

  it('logs the VPC’s flows to a log group kept as long as the functions’ logs', () => {
    const shorter = synthStack({ egressIp: true, logRetentionDays: '30' }).template;
    const [, flowLog] = Object.entries(resourcesOf(shorter, 'AWS::EC2::FlowLog'))[0] as [string, any];
    expect(flowLog.Properties).toMatchObject({ ResourceType: 'VPC', TrafficType: 'ALL' });
    const logGroup = resourcesOf(shorter, 'AWS::Logs::LogGroup')[flowLog.Properties.LogGroupName.Ref];
    expect(logGroup?.Properties?.RetentionInDays).toBe(30);
  });
});
