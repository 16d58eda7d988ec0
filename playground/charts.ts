/**
 * The loss and accuracy charts (uPlot). Each holds one point per logged training step (x = the
 * step) for the per-step series; the per-epoch series (training mean, validation) have a value
 * only at the step where their epoch ended and are drawn as connected points.
 */
import uPlot from 'uplot';

export interface ChartCounts {
  /** Points on the x axis (one per logged step). */
  steps: number;
  /** Non-null values of the per-step series. */
  stepValues: number;
  /** Non-null values of each per-epoch series. */
  epochValues: number[];
}

export class TrainingChart {
  private readonly plot: uPlot;
  private readonly x: number[] = [];
  private readonly perStep: (number | null)[] = [];
  private readonly epochMean: (number | null)[] = [];
  private readonly validation: (number | null)[] = [];
  private drawPending = false;

  constructor(el: HTMLElement, title: string, yLabel: string, colors: { step: string; epoch: string; val: string }, range?: [number, number]) {
    const opts: uPlot.Options = {
      title,
      width: Math.max(300, el.clientWidth),
      height: 220,
      scales: { x: { time: false }, y: range ? { range } : { auto: true } },
      axes: [
        { label: 'step', stroke: '#9aa4b2', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' } },
        { label: yLabel, stroke: '#9aa4b2', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' }, size: 50 },
      ],
      series: [
        { label: 'step' },
        { label: 'per step', stroke: colors.step, width: 1, points: { show: false } },
        { label: 'epoch mean', stroke: colors.epoch, width: 2, spanGaps: true, points: { show: true, size: 7, fill: colors.epoch } },
        { label: 'validation', stroke: colors.val, width: 2, dash: [6, 4], spanGaps: true, points: { show: true, size: 7, fill: colors.val } },
      ],
      legend: { live: true },
    };
    this.plot = new uPlot(opts, [[], [], [], []], el);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(300, el.clientWidth), height: 220 })).observe(el);
  }

  addStep(step: number, value: number): void {
    this.x.push(step);
    this.perStep.push(value);
    this.epochMean.push(null);
    this.validation.push(null);
    this.redraw();
  }

  /** Puts an epoch's values on its last step (added before with addStep). */
  addEpoch(step: number, mean: number, val: number): void {
    const i = this.x.lastIndexOf(step);
    if (i < 0) return;
    this.epochMean[i] = mean;
    this.validation[i] = val;
    this.redraw();
  }

  clear(): void {
    for (const a of [this.x, this.perStep, this.epochMean, this.validation]) a.length = 0;
    this.redraw();
  }

  counts(): ChartCounts {
    const data = this.plot.data;
    const nonNull = (s: ArrayLike<number | null | undefined>) => Array.prototype.filter.call(s, (v: unknown) => v !== null && v !== undefined).length;
    return { steps: data[0].length, stepValues: nonNull(data[1]), epochValues: [nonNull(data[2]), nonNull(data[3])] };
  }

  /** Draws the data now (the page batches redraws into animation frames). */
  flush(): void {
    this.drawPending = false;
    this.plot.setData([this.x.slice(), this.perStep.slice(), this.epochMean.slice(), this.validation.slice()] as uPlot.AlignedData);
  }

  private redraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => this.flush());
  }
}
