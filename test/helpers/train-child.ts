/**
 * A training run in its own process, for crash tests (test/crash-safety.test.ts) and the
 * soak: runs trainTutorial with the JSON options in argv[2] and prints `EPOCH_BEGIN <epoch>`
 * as each epoch starts, so the parent knows when to kill it.
 */
import { trainTutorial, type TrainOptions } from '../../model/train.js';

const options = JSON.parse(process.argv[2]) as TrainOptions;
await trainTutorial({
  ...options,
  verbose: 1,
  log: () => {},
  progress: {
    epochBegin: (epoch) => process.stdout.write(`EPOCH_BEGIN ${epoch}\n`),
    batchEnd: () => {},
    epochEnd: () => {},
  },
});
process.stdout.write('DONE\n');
