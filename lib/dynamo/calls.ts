import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { StoreUnavailableError } from './errors.ts';

/** The document client every store uses: plain objects in, plain objects out. */
export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

/** How one store talks to DynamoDB: every failure becomes that store's {@link StoreUnavailableError}. */
export interface StoreCalls {
  /** Runs a call; any failure of DynamoDB becomes a {@link StoreUnavailableError}. */
  call<T>(action: string, send: () => Promise<T>): Promise<T>;
  /**
   * Runs a conditional write: `true` if written, `false` if the condition did not hold. Errors the
   * caller raises itself (`passThrough`) go through as they are; any other failure is the store's.
   */
  conditional(
    action: string,
    write: () => Promise<unknown>,
    passThrough?: (error: unknown) => boolean,
  ): Promise<boolean>;
  /**
   * Runs a conditional write sent with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`: when the
   * condition does not hold, `met` is the item it met as DynamoDB returned it, or `undefined` where
   * the store returns nothing (the local DynamoDB): the caller reads it then.
   */
  conditionalMeeting(
    action: string,
    write: () => Promise<unknown>,
  ): Promise<
    | { readonly written: true }
    | { readonly written: false; readonly met: Record<string, unknown> | undefined }
  >;
}

/** The calls of the store named `store` (`operations store`, `logistics-orders store`). */
export function storeCalls(store: string): StoreCalls {
  return {
    async call(action, send) {
      try {
        return await send();
      } catch (error) {
        throw new StoreUnavailableError(store, action, { cause: error });
      }
    },
    async conditional(action, write, passThrough = () => false) {
      try {
        await write();
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        if (passThrough(error)) throw error;
        throw new StoreUnavailableError(store, action, { cause: error });
      }
    },
    async conditionalMeeting(action, write) {
      try {
        await write();
        return { written: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          throw new StoreUnavailableError(store, action, { cause: error });
        }
        return { written: false, met: error.Item ? unmarshall(error.Item) : undefined };
      }
    },
  };
}
