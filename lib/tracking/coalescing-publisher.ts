import type { LogisticsOrderStatusChanged, StatusEventPublisher } from './ports.ts';

// PutEvents takes at most 10 entries.
const MAX_ENTRIES = 10;
// Requests in flight at once; what is published meanwhile waits for one of them to end.
const MAX_IN_FLIGHT = 2;

interface Pending {
  readonly events: readonly LogisticsOrderStatusChanged[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes together the events of refreshes that publish at about the same time, in requests of
 * up to 10 entries: at most two requests are in flight, and what is published meanwhile leaves
 * with the next. A worker that is not busy publishes each event at once, as before; a busy one,
 * whose orders come back from TOP together, sends a request per several orders, not one each. Each
 * caller's promise settles with the request that carried its events: resolved once they are
 * published, rejected if they were not (its refresh then fails and is retried, as before).
 */
export function coalescingPublisher(inner: StatusEventPublisher): StatusEventPublisher {
  const pending: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  const send = (batch: readonly Pending[]) => {
    inFlight += 1;
    const events = batch.flatMap((each) => each.events);
    Promise.resolve()
      .then(() => inner.publish(events))
      .then(
        () => {
          for (const each of batch) each.resolve();
        },
        (error: unknown) => {
          for (const each of batch) each.reject(error);
        },
      )
      .finally(() => {
        inFlight -= 1;
        flush();
      });
  };

  // Whole publishes only, up to 10 entries a request (one larger than that goes alone).
  function flush(): void {
    scheduled = false;
    while (pending.length > 0 && inFlight < MAX_IN_FLIGHT) {
      const batch: Pending[] = [];
      let entries = 0;
      for (let next = pending[0]; next; next = pending[0]) {
        if (batch.length > 0 && entries + next.events.length > MAX_ENTRIES) break;
        batch.push(next);
        pending.shift();
        entries += next.events.length;
      }
      send(batch);
    }
  }

  return {
    publish: (events) => {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ events, resolve, reject });
        // What is published in this turn of the event loop can leave together.
        if (!scheduled && inFlight < MAX_IN_FLIGHT) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
