// The goals of `npm run bench` (P1–P6), each printed beside what this run measured.
import type { BundleFigures } from './bundles.ts';
import type { ClientCpuFigures } from './client-cpu.ts';
import type { LatencyFigures, ThroughputFigures } from './webhook-path.ts';

export interface RefreshGoalFigures {
  readonly ratio: number;
  readonly bansMet: number;
}

/** What one run measured, part by part; a part not run is absent. */
export interface RunFigures {
  p1?: ClientCpuFigures;
  p2?: LatencyFigures;
  p3?: ThroughputFigures;
  p4?: RefreshGoalFigures;
  p5?: BundleFigures;
  p6?: readonly string[];
}

const x = (ratio: number) => `${ratio.toFixed(3)}×`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

type Row = readonly [id: string, measure: string, goal: string, measured: string, verdict: string];

/** A goal on one ratio: at most `bound` (`≤`) or at least it (`≥`). */
const ratioRow = (id: string, measure: string, sense: '≤' | '≥', bound: number, ratio: number): Row => [
  id,
  measure,
  `${sense} ${bound.toFixed(2)}×`,
  x(ratio),
  met(sense === '≤' ? ratio <= bound : ratio >= bound),
];

/** The goals table, one line per goal measured in this run. */
export function printGoals(figures: RunFigures): void {
  const rows: Row[] = [];
  const { p1, p2, p3, p4, p5, p6 } = figures;
  if (p1)
    rows.push(ratioRow('P1', 'TOP client CPU per call ÷ undici pool, pre-signed form', '≤', 1.2, p1.ratio));
  if (p2) rows.push(ratioRow('P2', 'webhook p50 ÷ direct TOP call, gateway at 50 ms', '≤', 1.1, p2.ratio));
  if (p3) rows.push(ratioRow('P3', "webhooks/s at 16 in flight ÷ the path's limit", '≥', 0.8, p3.ratio));
  if (p4) {
    const ok = p4.ratio >= 0.9 && p4.bansMet <= 1;
    const measured = `${x(p4.ratio)}; ${p4.bansMet}`;
    rows.push(['P4', 'refresh rate ÷ 200 calls/s limit; bans met', '≥ 0.90×; ≤ 1', measured, met(ok)]);
  }
  if (p5) {
    const worst = (key: 'bytesRatio' | 'importRatio') =>
      p5.functions.reduce((a, b) => (b[key] > a[key] ? b : a));
    const bytes = worst('bytesRatio');
    const load = worst('importRatio');
    rows.push(
      ratioRow('P5', `bundle bytes ÷ bare handler (largest: ${bytes.service})`, '≤', 1.3, bytes.bytesRatio),
    );
    rows.push(
      ratioRow('P5', `module load ÷ bare handler (slowest: ${load.service})`, '≤', 1.3, load.importRatio),
    );
  }
  console.log('\nGoals (issue 15), measured in this run');
  for (const [id, measure, goal, measured, verdict] of rows) {
    console.log(`  ${id}  ${measure.padEnd(58)} ${goal.padEnd(14)} ${measured.padEnd(13)} ${verdict}`);
  }
  if (p5) {
    const { bytesRatio, importRatio } = p5.floor;
    console.log(
      `        (the floor handler, zod/mini and Powertools alone on the bare handler: bytes ${x(bytesRatio)}, load ${x(importRatio)})`,
    );
  }
  if (p6) {
    console.log('  P6  DynamoDB requests (printed; each justified in the README, "What DynamoDB is asked"):');
    for (const line of p6) console.log(`        ${line}`);
  }
}
