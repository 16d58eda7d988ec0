/**
 * For crash tests: rewrites the checkpoint argv[2] in place (its secondsPerEpoch doubled, so the
 * bytes differ) through writeCheckpoint, in its own process so the test can kill it mid-write
 * (WGTE_TEST_STALL_WRITE, see model/write-file-atomic.ts).
 */
import { readCheckpoint, writeCheckpoint } from '../../model/checkpoint.js';

const path = process.argv[2];
const ckpt = readCheckpoint(path);
await writeCheckpoint(path, { ...ckpt, header: { ...ckpt.header, secondsPerEpoch: ckpt.header.secondsPerEpoch.map((s) => 2 * s + 1) } });
process.stdout.write('DONE\n');
