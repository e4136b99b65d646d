// The second anchor of the bundle comparison (P5 in `npm run bench`): the bare handler plus what the
// ground rules of issue 15 keep in every function, zod/mini validating a body and Powertools' Logger
// and Metrics, each used once. What a function carries beyond it is the code that does its work.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';

const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const logger = new Logger();
const metrics = new Metrics({ namespace: 'Floor' });
const Body = z.object({
  id: z.string().check(z.minLength(1)),
  weight: z.optional(z.number()),
  status: z.enum(['PACKAGING', 'PACK_FINISH']),
  occurred_at: z.optional(z.iso.datetime()),
});

export const handler = async (event: { body?: string }) => {
  const body = Body.parse(JSON.parse(event.body ?? '{}'));
  logger.info('delivery received', { status: body.status });
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ID }));
  const response = await fetch(process.env.GATEWAY_URL ?? 'https://example.com', {
    method: 'POST',
    headers: { authorization: secret.SecretString ?? '' },
    body: event.body ?? '',
  });
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: { pk: { S: body.id }, status: { S: String(response.status) } },
    }),
  );
  metrics.addMetric('Deliveries', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return { statusCode: response.status };
};
