/**
 * Launching a kernel that checks labels already on the GPU (shaders/include/labels.wgsl): the
 * error slot it binds, and the one-invocation report kernel after it (shaders/label_report.wgsl)
 * that keeps the first bad batch position and label since the last read, which read() then
 * throws as an Error built by `message`. Every family whose kernels read labels launches them
 * through here, so no kernel forgets the report.
 */
import { threads, type Extent, type Program } from '../launch.js';
import type { Gpu, GPUStorage, Params } from './family.js';

export const LABEL_REPORT: Program = threads('label_report');

export interface LabelCheck {
  /** Names the error slot: one per kernel. */
  readonly kernel: string;
  readonly labels: GPUStorage;
  readonly classes: number;
  /** The op the user called (its name opens the Error). */
  readonly op: string;
}

export function launchCheckingLabels(
  gpu: Gpu, program: Program, extent: Extent, buffers: Record<string, GPUStorage>, params: Params, check: LabelCheck,
): void {
  const labelError = gpu.errorWord(check.kernel, (position, label) => badLabel(check, position, label));
  gpu.launch(program, extent, { ...buffers, labels: check.labels, labelError }, params);
  gpu.launch(LABEL_REPORT, { threads: 1 }, { labels: check.labels, labelError }, { n: 1 });
}

function badLabel(check: LabelCheck, position: number, label: number): string {
  const { op, kernel, classes } = check;
  return `${op}: label ${label} at batch position ${position} is out of range for ${classes} classes (expected an integer in 0..${classes - 1}); ` +
    `the labels were already on the GPU, so the kernel ${kernel} found it and this read reports it (that row's loss and gradient are NaN)`;
}
