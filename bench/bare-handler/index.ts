// The anchor of the bundle and cold-start comparison (P5 in `npm run bench`): the least a function of
// this kind carries. It builds the DynamoDB and Secrets Manager clients at module scope and makes one
// `fetch`, and it is bundled by the same HouseFunction settings as every function.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});

export const handler = async (event: { body?: string }) => {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ID }));
  const response = await fetch(process.env.GATEWAY_URL ?? 'https://example.com', {
    method: 'POST',
    headers: { authorization: secret.SecretString ?? '' },
    body: event.body ?? '',
  });
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: { pk: { S: String(response.status) } },
    }),
  );
  return { statusCode: response.status };
};
