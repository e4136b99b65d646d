import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from './dynamo.ts';

/** A client of the local DynamoDB, and the names of the requests it has sent (`PutItem`, …). */
export interface CountedDynamoDB {
  readonly client: DynamoDBClient;
  /** In the order sent; empty it to count afresh. */
  readonly sent: string[];
}

/**
 * A DynamoDB client for the local dynalite at `endpoint` that names each request it sends: how the
 * benchmark and the tests count what a path asks of DynamoDB, on the wire.
 */
export function countedDynamoDB(endpoint: string): CountedDynamoDB {
  const sent: string[] = [];
  const client = localDynamoClient(endpoint);
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { client, sent };
}
