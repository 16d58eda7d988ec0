/**
 * Keras-like terminal progress for fit(verbose: 1), built on cli-progress
 * (a well-kept progress-bar library) rather than hand-written cursor code:
 *   Epoch 3/20
 *   235/235 [==============================] 12s - ETA: 0s - loss: 0.3012 - accuracy: 0.8911
 * and one summary line per epoch with validation metrics.
 */
import { SingleBar } from 'cli-progress';
import type { EpochLogs, ProgressReporter } from '../engine/index.js';
import { formatLogs } from '../engine/nn/training.js';

export function kerasProgressBar(stream: NodeJS.WriteStream = process.stdout): ProgressReporter {
  let bar: SingleBar | null = null;
  let steps = 0;
  let started = 0;
  return {
    epochBegin(epoch, epochs, n) {
      steps = n;
      started = performance.now();
      stream.write(`Epoch ${epoch + 1}/${epochs}\n`);
      bar = new SingleBar({
        format: '{value}/{total} [{bar}] {elapsed}s - ETA: {eta}s - {metrics}',
        barCompleteChar: '=',
        barIncompleteChar: '.',
        barsize: 30,
        hideCursor: false,
        clearOnComplete: true,
        stream,
        // Without a terminal (CI, a log file) print a line now and then instead of redrawing.
        noTTYOutput: true,
        notTTYSchedule: 15_000,
      });
      bar.start(n, 0, { metrics: '', elapsed: 0 });
    },
    batchEnd(step, logs: EpochLogs) {
      bar?.update(step, { metrics: formatLogs(logs), elapsed: ((performance.now() - started) / 1000).toFixed(0) });
    },
    epochEnd(_epoch, logs, seconds) {
      bar?.stop();
      bar = null;
      const perStep = ((seconds * 1000) / Math.max(1, steps)).toFixed(0);
      stream.write(`${steps}/${steps} - ${seconds.toFixed(0)}s ${perStep}ms/step - ${formatLogs(logs)}\n`);
    },
  };
}
