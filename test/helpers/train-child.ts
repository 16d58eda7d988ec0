/**
 * A training run in its own process, for crash tests (test/crash-safety.test.ts) and the
 * soak: runs trainTutorial with the JSON options in argv[2] and prints `EPOCH_BEGIN <epoch>`
 * as each epoch starts, so the parent knows when to kill it.
 *
 * With WGTE_TEST_STALL_STEP=<epoch>:<step> the child prints `STALLED <epoch>:<step>` after
 * that step's metrics are read and then blocks its thread, so a kill lands mid-epoch
 * however fast the machine is (a timer after EPOCH_BEGIN raced a quiet machine's epoch end).
 */
import { trainTutorial, type TrainOptions } from '../../model/train.js';

const options = JSON.parse(process.argv[2]) as TrainOptions;
const stallAt = process.env.WGTE_TEST_STALL_STEP;
let epochNow = -1;
await trainTutorial({
  ...options,
  verbose: 1,
  log: () => {},
  progress: {
    epochBegin: (epoch) => { epochNow = epoch; process.stdout.write(`EPOCH_BEGIN ${epoch}\n`); },
    batchEnd: (step) => {
      if (stallAt !== `${epochNow}:${step}`) return;
      process.stdout.write(`STALLED ${stallAt}\n`);
      // Blocks synchronously (no timer or I/O can run) until the parent's SIGKILL arrives.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
      throw new Error('train-child: stalled for 120 s and nobody killed it');
    },
    epochEnd: () => {},
  },
});
process.stdout.write('DONE\n');
