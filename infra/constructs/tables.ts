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

/** The sparse index of due items, as `lib/operations/table.ts` defines it for every table. */
export const DUE_INDEX_NAME = 'due';

export interface DataTablesProps {
  /** The deployment stage, named in the personal-data key's description. */
  readonly stage: string;
}

/**
 * The three tables. Each: one string key `pk`, the sparse `due` index (keys only), TTL on
 * `expires_at`, on-demand, point-in-time recovery, kept when the stack is deleted. The logistics
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
    this.operations = dueTable(this, 'Operations', { encryption: TableEncryption.AWS_MANAGED });
    this.logisticsOrders = dueTable(this, 'LogisticsOrders', {
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.personalDataKey,
    });
    // Seller records (status, expiry dates, the platform's seller id) and hashed one-time OAuth
    // states: no personal data and no tokens (those are in Secrets Manager), so AWS-managed
    // encryption is enough, and its readers need no key grant.
    this.sellers = dueTable(this, 'Sellers', { encryption: TableEncryption.AWS_MANAGED });
  }
}

function dueTable(
  scope: Construct,
  id: string,
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
  table.addGlobalSecondaryIndex({
    indexName: DUE_INDEX_NAME,
    partitionKey: { name: 'due_shard', type: AttributeType.STRING },
    sortKey: { name: 'due_at', type: AttributeType.NUMBER },
    projectionType: ProjectionType.KEYS_ONLY,
  });
  return table;
}
