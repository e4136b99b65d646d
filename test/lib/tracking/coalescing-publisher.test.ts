import { describe, expect, it } from 'vitest';
import { coalescingPublisher } from '#lib/tracking/coalescing-publisher.ts';
import type { LogisticsOrderStatusChanged } from '#lib/tracking/ports.ts';

const event = (i: number): LogisticsOrderStatusChanged => ({
  logistics_order_id: `BP${i}`,
  seller_id: 'shop-1',
  from: undefined,
  to: '1',
  at: '2026-11-23T10:00:00.000Z',
});

/** A publisher whose requests the test ends by hand, recording what each carried. */
function manualPublisher() {
  const requests: { events: string[]; end: (error?: Error) => void }[] = [];
  return {
    requests,
    publisher: {
      publish: (events: readonly LogisticsOrderStatusChanged[]) =>
        new Promise<void>((resolve, reject) => {
          requests.push({
            events: events.map((each) => each.logistics_order_id),
            end: (error) => (error ? reject(error) : resolve()),
          });
        }),
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescingPublisher', () => {
  it('sends what is published in one turn of the event loop in one request', async () => {
    const { requests, publisher } = manualPublisher();
    const events = coalescingPublisher(publisher);

    const published = [1, 2, 3].map((i) => events.publish([event(i)]));
    await turn();

    expect(requests.map((request) => request.events)).toEqual([['BP1', 'BP2', 'BP3']]);
    requests[0]?.end();
    await expect(Promise.all(published)).resolves.toBeDefined();
  });

  it('puts at most 10 entries in a request, and never splits one publish', async () => {
    const { requests, publisher } = manualPublisher();
    const events = coalescingPublisher(publisher);

    events.publish([event(0), event(1), event(2), event(3)]);
    events.publish([event(4), event(5), event(6), event(7)]);
    events.publish([event(8), event(9), event(10)]);
    await turn();

    expect(requests.map((request) => request.events.length)).toEqual([8, 3]);
  });

  it('holds at most two requests in flight; what is published meanwhile leaves with the next', async () => {
    const { requests, publisher } = manualPublisher();
    const events = coalescingPublisher(publisher);
    events.publish([event(1)]);
    await turn();
    events.publish([event(2)]);
    await turn();

    events.publish([event(3)]);
    events.publish([event(4)]);
    await turn();
    expect(requests).toHaveLength(2);

    requests[0]?.end();
    await turn();
    expect(requests.map((request) => request.events)).toEqual([['BP1'], ['BP2'], ['BP3', 'BP4']]);
  });

  it('fails the publishes a refused request carried, and those only', async () => {
    const { requests, publisher } = manualPublisher();
    const events = coalescingPublisher(publisher);
    const refused = [events.publish([event(1)]), events.publish([event(2)])];
    await turn();
    const accepted = events.publish([event(3)]);
    await turn();

    requests[0]?.end(new Error('EventBridge refused 2 status events: InternalFailure'));
    requests[1]?.end();

    for (const each of refused) await expect(each).rejects.toThrow('EventBridge refused');
    await expect(accepted).resolves.toBeUndefined();
  });

  it('fails the publishes of a request whose publisher throws before sending', async () => {
    const events = coalescingPublisher({
      publish: () => {
        throw new Error('no bus');
      },
    });

    await expect(events.publish([event(1)])).rejects.toThrow('no bus');
  });

  it('sends nothing for an empty publish', async () => {
    const { requests, publisher } = manualPublisher();

    await coalescingPublisher(publisher).publish([]);
    await turn();

    expect(requests).toHaveLength(0);
  });
});
