/** Timing helpers shared by the Node benchmarks: warm-up, repetitions, median/min/max. */

export interface Timing {
  /** Milliseconds of each measured run (warm-up excluded). */
  readonly runs: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The first call, compilation and allocation included. */
  readonly first: number;
}

export function summarise(first: number, runs: number[]): Timing {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runs, median, min: sorted[0], max: sorted[sorted.length - 1], first };
}

/** Times `fn` (awaited): one first call, `warmup` more unmeasured, then `reps` measured. */
export async function time(fn: () => unknown | Promise<unknown>, reps: number, warmup = 1): Promise<Timing> {
  let t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  for (let i = 0; i < warmup; i++) await fn();
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return summarise(first, runs);
}

export function fmtMs(t: Timing): string {
  return `${t.median.toFixed(1)} ms (min ${t.min.toFixed(1)}, max ${t.max.toFixed(1)}, n=${t.runs.length})`;
}

/** A plain text table with right-aligned columns after the first. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmtRow = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmtRow(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmtRow)].join('\n');
}

/** One side of a benchmark whose sides take turns, one step each per round (taking turns spreads load changes over all of them alike). */
export interface Contender {
  name: string;
  step: () => Promise<unknown>;
  first: number;
  runs: number[];
}

/** Times `step`'s first call, runs one unmeasured warm-up, and enters it for takeTurns. */
export async function contender(name: string, step: () => Promise<unknown>): Promise<Contender> {
  const t0 = performance.now();
  await step();
  const first = performance.now() - t0;
  await step(); // warm-up
  return { name, step, first, runs: [] };
}

/** `rounds` rounds of one step per contender, in order; then each one's timing. */
export async function takeTurns(contenders: Contender[], rounds: number): Promise<{ name: string; t: Timing }[]> {
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const t0 = performance.now();
      await c.step();
      c.runs.push(performance.now() - t0);
    }
    process.stdout.write(`round ${r + 1}/${rounds}\r`);
  }
  return contenders.map((c) => ({ name: c.name, t: summarise(c.first, c.runs) }));
}

/** The rows of a training-step table: median ms, images/s, min, max, first step ms. */
export function stepRows(timings: { name: string; t: Timing }[], batch: number): string[][] {
  return timings.map(({ name, t }) => [name, t.median.toFixed(0), ((batch * 1000) / t.median).toFixed(0), t.min.toFixed(0), t.max.toFixed(0), t.first.toFixed(0)]);
}

export const STEP_TABLE_HEADER = ['ms per step (median)', 'images / s', 'min', 'max', 'first step ms'];
