/**
 * Training checkpoints: everything a resumed run needs to continue exactly as an
 * uninterrupted one would (weights, Adam's moments and step count, EarlyStopping's
 * state, the history so far, the next epoch), in ONE file written atomically:
 * to a temporary file in the same folder, fsync'd, then renamed over the old one,
 * so a crash leaves either the previous checkpoint or the new one, never half.
 *
 * Layout: 8-byte magic "WGTECKP1", u32 header length, JSON header, then float32
 * arrays (weights in parameter order, then Adam's m and v) at the offsets the
 * header gives.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './write-file-atomic.js';

const MAGIC = 'WGTECKP1';

export interface CheckpointHeader {
  /** Epochs completed (fit resumes with initialEpoch = this). */
  epoch: number;
  seed: number;
  batchSize: number;
  history: { epoch: number[]; history: Record<string, number[]> };
  earlyStopping: { wait: number; best: number | null; bestEpoch: number; hasBestWeights: boolean } | null;
  adamIterations: number;
  /** Lengths of the float32 arrays that follow, in order. */
  arrays: { name: string; length: number }[];
  secondsPerEpoch: number[];
  /** EarlyStopping ended training after `epoch`: a resume only re-evaluates (as after the last epoch). */
  stopped: boolean;
}

export interface Checkpoint {
  header: CheckpointHeader;
  arrays: Float32Array[];
}

export function checkpointPath(outDir: string): string {
  return join(outDir, 'checkpoint.bin');
}

export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const { header, arrays } = checkpoint;
  if (arrays.length !== header.arrays.length || arrays.some((a, i) => a.length !== header.arrays[i].length)) {
    throw new Error(`writeCheckpoint: the header lists ${header.arrays.length} arrays that do not match the ${arrays.length} given`);
  }
  mkdirSync(dirname(path), { recursive: true });
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad the header so the float32 data starts 4-byte aligned.
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const prefix = Buffer.alloc(12 + json.length + pad, 0x20);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length + pad, 8);
  json.copy(prefix, 12);
  await writeFileAtomic(path, [prefix, ...arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))]);
}

export function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new Error(`readCheckpoint: no checkpoint at ${path}; train without --resume first`);
  const bytes = readFileSync(path);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) {
    throw new Error(`readCheckpoint: ${path} is not a checkpoint (bad magic)`);
  }
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as CheckpointHeader;
  let offset = 12 + headerLength;
  const arrays = header.arrays.map(({ name, length }) => {
    const end = offset + length * 4;
    if (end > bytes.length) throw new Error(`readCheckpoint: ${path} is truncated (array ${name} ends at byte ${end} of ${bytes.length})`);
    const copy = new Float32Array(length);
    new Uint8Array(copy.buffer).set(bytes.subarray(offset, end));
    offset = end;
    return copy;
  });
  if (offset !== bytes.length) throw new Error(`readCheckpoint: ${path} has ${bytes.length - offset} unexpected trailing bytes`);
  return { header, arrays };
}
