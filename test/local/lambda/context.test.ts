import { describe, expect, it } from 'vitest';
import { createLambdaContext } from '#local/lambda/context.ts';
import { LambdaTimeoutError } from '#local/lambda/errors.ts';
import { invokeLambda } from '#local/lambda/invoke.ts';

describe('createLambdaContext', () => {
  it('counts the remaining time down from the timeout, never below zero', () => {
    const clock = { now: 1_000_000 };
    const context = createLambdaContext({
      functionName: 'wms-delivery',
      timeoutMs: 3_000,
      now: () => clock.now,
    });

    const remaining = [context.getRemainingTimeInMillis()];
    clock.now += 1_250;
    remaining.push(context.getRemainingTimeInMillis());
    clock.now += 5_000;
    remaining.push(context.getRemainingTimeInMillis());

    expect(remaining).toEqual([3_000, 1_750, 0]);
  });

  it('names the function everywhere Lambda does, with a fresh request id per invocation', () => {
    const first = createLambdaContext({ functionName: 'operations', timeoutMs: 1_000 });
    const second = createLambdaContext({ functionName: 'operations', timeoutMs: 1_000 });

    expect(first).toMatchObject({
      functionName: 'operations',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:operations',
      logGroupName: '/aws/lambda/operations',
    });
    expect(first.awsRequestId).not.toBe(second.awsRequestId);
  });
});

describe('invokeLambda', () => {
  it('resolves with what the handler returns', async () => {
    await expect(invokeLambda(async (event: number) => event + 1, 41, { functionName: 'fn' })).resolves.toBe(
      42,
    );
  });

  it('rejects with LambdaTimeoutError once the timeout passes', async () => {
    const invocation = invokeLambda(
      () => new Promise<never>(() => {}),
      {},
      { functionName: 'fn', timeoutMs: 20 },
    );

    await expect(invocation).rejects.toThrow(LambdaTimeoutError);
    await expect(invocation).rejects.toMatchObject({ functionName: 'fn', timeoutMs: 20 });
  });

  it('turns a handler that throws at once into a rejection', async () => {
    const handler = (() => {
      throw new Error('boom');
    }) as unknown as () => Promise<never>;

    await expect(invokeLambda(handler, {}, { functionName: 'fn' })).rejects.toThrow('boom');
  });
});
