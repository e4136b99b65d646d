// One-off, after the deploy that adds the `list` indexes: gives the operations and tracked orders
// written before it their place in the operator's lists (see lib/operations/list-backfill.ts).
//
//   npx tsx infra/backfill-list-index.ts --operations-table <name> --logistics-orders-table <name>
//
// The table names are the stack's resources `DataOperations…` and `DataLogisticsOrders…`
// (`aws cloudformation describe-stack-resources --stack-name TopWebhooks-<stage>`). The caller needs
// dynamodb:Scan and dynamodb:UpdateItem on them (and kms:Decrypt, kms:Encrypt on the logistics
// orders' key); the functions get neither Scan nor this script.
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backfillListIndex, OPERATION_ITEMS, operationPlace } from '#lib/operations/list-backfill.ts';
import { ORDER_ITEMS, orderPlace } from '#lib/tracking/list-backfill.ts';

const { values } = parseArgs({
  options: {
    'operations-table': { type: 'string' },
    'logistics-orders-table': { type: 'string' },
    endpoint: { type: 'string' },
  },
});
const client = new DynamoDBClient(values.endpoint ? { endpoint: values.endpoint } : {});
try {
  if (values['operations-table']) {
    const report = await backfillListIndex(
      client,
      values['operations-table'],
      OPERATION_ITEMS,
      operationPlace,
    );
    console.log(`operations: ${JSON.stringify(report)}`);
  }
  if (values['logistics-orders-table']) {
    const report = await backfillListIndex(client, values['logistics-orders-table'], ORDER_ITEMS, orderPlace);
    console.log(`logistics orders: ${JSON.stringify(report)}`);
  }
  if (!values['operations-table'] && !values['logistics-orders-table']) {
    console.error('name --operations-table and/or --logistics-orders-table');
    process.exitCode = 2;
  }
} finally {
  client.destroy();
}
