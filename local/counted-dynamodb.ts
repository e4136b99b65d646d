import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from './dynamo.ts';

/** A client of the local DynamoDB, and the requests it has sent (`PutItem`, …). */
export interface CountedDynamoDB {
  readonly client: DynamoDBClient;
  /** In the order sent. */
  readonly sent: readonly string[];
  /**
   * The same requests by round trip: a request sent while another is in flight shares its round,
   * so the number of rounds is how many times a path waited on DynamoDB.
   */
  readonly rounds: readonly (readonly string[])[];
  /** Forgets what was sent, to count afresh. */
  reset(): void;
}

/**
 * A DynamoDB client for the local dynalite at `endpoint` that names each request it sends: how the
 * benchmark and the tests count what a path asks of DynamoDB, on the wire.
 */
export function countedDynamoDB(endpoint: string): CountedDynamoDB {
  const sent: string[] = [];
  const rounds: string[][] = [];
  let inFlight = 0;
  const client = localDynamoClient(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      sent.push(name);
      const round = inFlight > 0 ? rounds.at(-1) : undefined;
      if (round) round.push(name);
      else rounds.push([name]);
      inFlight += 1;
      try {
        return await next(args);
      } finally {
        inFlight -= 1;
      }
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return {
    client,
    sent,
    rounds,
    reset: () => {
      sent.length = 0;
      rounds.length = 0;
    },
  };
}
