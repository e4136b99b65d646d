import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  DUE_INDEX,
  dueTableDefinition,
  LIST_INDEX,
  operationsTableDefinition,
} from '#lib/operations/table.ts';
import { logisticsOrdersTableDefinition } from '#lib/tracking/table.ts';

/** The sparse index of due items, as `lib/operations/table.ts` defines it for every table. */
export const DUE_INDEX_NAME = DUE_INDEX;
/** The sparse index of the operator's lists, on the operations and logistics-orders tables. */
export const LIST_INDEX_NAME = LIST_INDEX;

/** A table's definition as `lib/` shares it with the local stack: its indexes are built from it. */
type TableDefinition = Pick<
  typeof dueTableDefinition | typeof operationsTableDefinition,
  'AttributeDefinitions' | 'GlobalSecondaryIndexes'
>;

export interface DataTablesProps {
  /** The deployment stage, named in the personal-data key's description. */
  readonly stage: string;
}

/**
 * The three tables. Each: one string key `pk`, the sparse `due` index (keys only), TTL on
 * `expires_at`, on-demand, point-in-time recovery, kept when the stack is deleted; the operations and
 * the logistics orders also have the sparse `list` index of the operator's lists. The indexes are
 * built from the definitions in `lib/` that the local stack creates its tables with. The logistics
 * orders hold the order detail's personal data, so that table is encrypted with a key of ours.
 */
export class DataTables extends Construct {
  readonly operations: Table;
  readonly logisticsOrders: Table;
  /** Sellers who authorized the app (OAuth on IOP), and the one-time OAuth states. */
  readonly sellers: Table;
  /** The customer-managed key of the logistics-orders table. */
  readonly personalDataKey: Key;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    this.personalDataKey = new Key(this, 'PersonalDataKey', {
      description: `top-webhooks ${props.stage}: logistics order details (personal data) at rest`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.operations = dueTable(this, 'Operations', operationsTableDefinition, {
      encryption: TableEncryption.AWS_MANAGED,
    });
    this.logisticsOrders = dueTable(this, 'LogisticsOrders', logisticsOrdersTableDefinition, {
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.personalDataKey,
    });
    // Seller records (status, expiry dates, the platform's seller id) and hashed one-time OAuth
    // states: no personal data and no tokens (those are in Secrets Manager), so AWS-managed
    // encryption is enough, and its readers need no key grant.
    this.sellers = dueTable(this, 'Sellers', dueTableDefinition, { encryption: TableEncryption.AWS_MANAGED });
  }
}

function dueTable(
  scope: Construct,
  id: string,
  definition: TableDefinition,
  encryption: Pick<TableProps, 'encryption' | 'encryptionKey'>,
): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expires_at',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...encryption,
    // Accepted events, tracked orders and sellers outlive a stack that is torn down by mistake.
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
  const typeOf = (name: string): AttributeType => {
    const type = definition.AttributeDefinitions.find((each) => each.AttributeName === name)?.AttributeType;
    if (type === 'S') return AttributeType.STRING;
    if (type === 'N') return AttributeType.NUMBER;
    throw new Error(`${id}: no attribute definition for ${name}`);
  };
  // One GSI added per table per deployment is what CloudFormation takes: each table here gains at
  // most one (`list`) over the previous version.
  for (const index of definition.GlobalSecondaryIndexes) {
    const [partition, sort] = index.KeySchema;
    if (!partition) throw new Error(`${id}.${index.IndexName}: no partition key`);
    const projection = index.Projection as { ProjectionType: string; NonKeyAttributes?: readonly string[] };
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      partitionKey: { name: partition.AttributeName, type: typeOf(partition.AttributeName) },
      ...(sort && { sortKey: { name: sort.AttributeName, type: typeOf(sort.AttributeName) } }),
      ...(projection.ProjectionType === 'INCLUDE'
        ? {
            projectionType: ProjectionType.INCLUDE,
            nonKeyAttributes: [...(projection.NonKeyAttributes ?? [])],
          }
        : { projectionType: ProjectionType.KEYS_ONLY }),
    });
  }
  return table;
}
