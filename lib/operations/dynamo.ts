import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from './errors.ts';

/** The document client every store uses: plain objects in, plain objects out. */
export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

/** Runs a store call; any failure of DynamoDB becomes a {@link StoreUnavailableError}. */
export async function storeCall<T>(action: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new StoreUnavailableError(action, { cause: error });
  }
}

/**
 * Runs a conditional write: `true` if written, `false` if the condition did not hold. Errors the
 * caller raises itself (`passThrough`) go through as they are; any other failure is the store's.
 */
export async function conditionalWrite(
  action: string,
  write: () => Promise<unknown>,
  passThrough: (error: unknown) => boolean = () => false,
): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    if (passThrough(error)) throw error;
    throw new StoreUnavailableError(action, { cause: error });
  }
}
