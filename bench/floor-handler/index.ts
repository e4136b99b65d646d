// The second anchor of the bundle comparison (P5 in `npm run bench`): the bare handler plus what the
// ground rules of issue 15 keep in every function, zod/mini validating a body and Powertools' Logger
// and Metrics, each used once. What a function carries beyond it is the code that does its work.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { handler as bareHandler } from '../bare-handler/index.ts';

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
  const answer = await bareHandler(event);
  metrics.addMetric('Deliveries', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return answer;
};
