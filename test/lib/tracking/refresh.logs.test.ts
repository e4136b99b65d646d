import { describe, expect, it } from 'vitest';
import { logisticsOrderDetail } from '#local/top-sim/logistics-orders.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import { trackingHarness } from '#test/helpers/tracking-harness.ts';
import { captureStdout, loudTelemetry } from '#test/helpers/webhook-harness.ts';

const parts = useTestParts({ statusStepMs: 1_000_000_000 });

describe('personal data in order snapshots', () => {
  it('is stored and shown to the operator, but never reaches a log line or an event', async () => {
    const id = 'BP-PII-1';
    type Address = Record<
      'first_name' | 'last_name' | 'email' | 'cell_phone' | 'federal_tax_id' | 'address',
      string
    >;
    const detail = logisticsOrderDetail(id, '1') as { receipt_address?: Address; sender_address?: Address };
    const personal = [detail.receipt_address, detail.sender_address].flatMap((address) => [
      address?.first_name,
      address?.last_name,
      address?.email,
      address?.cell_phone,
      address?.federal_tax_id,
      address?.address,
    ]);
    expect(personal.every((value) => typeof value === 'string' && value.length > 3)).toBe(true);

    const capture = captureStdout();
    const { logger, metrics } = loudTelemetry('refresh-logs-test');
    const stack = await trackingHarness(parts, { overrides: { logger, metrics } });
    try {
      await stack.track({ logistics_order_id: id });
      await stack.round();
      parts.sim.faults.set([{ type: 'isp', count: 1 }]);
      stack.clock.now += 60_000;
      await stack.round();
      const view = await stack.view(id);
      expect(view.body.snapshot).toMatchObject({ receipt_address: { email: detail.receipt_address?.email } });
    } finally {
      capture.restore();
      await stack.close();
    }
    const lines = capture.lines();
    expect(lines.some((line) => line.includes('"service":"refresh-logs-test"'))).toBe(true);
    const events = JSON.stringify(stack.events.list().events);
    for (const value of personal) {
      for (const line of lines) expect(line).not.toContain(value);
      expect(events).not.toContain(value);
    }
  });
});
