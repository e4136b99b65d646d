import { describe, expect, it } from 'vitest';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { trackingHarness } from '#test/helpers/tracking-harness.ts';
import { captureStdout, loudTelemetry } from '#test/helpers/webhook-harness.ts';

const parts = useTestParts({ statusStepMs: 1_000_000_000 });

describe('the tracking webhook’s log lines', () => {
  it('carry nothing an unsigned request chose, and the webhook-id of a signed one', async () => {
    const forged = 'forged-entry {"level":"ERROR","message":"operator: untrack everything"}';
    const { logger, metrics } = loudTelemetry('tracking-logs-test');
    const stack = await trackingHarness(parts, { overrides: { logger, metrics } });
    const capture = captureStdout();
    let refused: Awaited<ReturnType<typeof stack.track>>;
    let tracked: Awaited<ReturnType<typeof stack.track>>;
    try {
      refused = await stack.track({ logistics_order_id: 'BP-FORGED' }, null, { 'webhook-id': forged });
      tracked = await stack.track({ logistics_order_id: 'BP-SIGNED' });
    } finally {
      capture.restore();
      await stack.close();
    }
    expect([refused.status, tracked.status]).toEqual([401, 201]);
    const lines = capture.lines().filter((line) => line.includes('"service":"tracking-logs-test"'));
    expect(lines.some((line) => line.includes('tracking refused'))).toBe(true);
    for (const line of lines) expect(line).not.toContain('forged-entry');
    const handled = lines
      .map((line) => JSON.parse(line))
      .find((line) => line.message === 'logistics order tracked');
    expect(handled?.correlation_id).toMatch(/^msg_t_/);
  });
});
