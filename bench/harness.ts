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
