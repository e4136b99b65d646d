import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * The item a conditional write met, as DynamoDB returns it with `ReturnValuesOnConditionCheckFailure:
 * 'ALL_OLD'`; `undefined` when it did not (dynalite ignores the option): the caller reads it then.
 */
export function itemOfFailedCondition(error: unknown): Record<string, unknown> | undefined {
  if (!(error instanceof ConditionalCheckFailedException) || !error.Item) return undefined;
  return unmarshall(error.Item);
}
