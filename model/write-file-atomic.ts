/**
 * Node only: writes a file atomically (a temporary file in the same folder,
 * fsync'd, renamed over the target, then the folder fsync'd so the rename itself
 * is durable), so a crash leaves either the old file or the new one, never half
 * of one. Shared by checkpoints and saved models.
 *
 * Test hook for crash tests: with WGTE_TEST_STALL_WRITE="<file name>:<n>:<stage>"
 * the n-th write (1-based, in this process) of a file of that name stops at
 * <stage>, prints `WGTE_TEST_STALL <stage> <temporary path>` on stderr and blocks
 * for up to 10 minutes, so a test can kill -9 the process exactly there.
 * Stages: `mid-write` (half the chunks written, not fsync'd), `before-rename`
 * (the temporary file complete and fsync'd, the target untouched).
 */
import { openSync, closeSync, fsyncSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

type Stage = 'mid-write' | 'before-rename';
const writesByName = new Map<string, number>();

export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const stallAt = stallStage(path);
  try {
    const handle = await open(tmp, 'w');
    try {
      const chunks: readonly (string | Uint8Array)[] = Array.isArray(data) ? data : [data as string | Uint8Array];
      for (let i = 0; i < chunks.length; i++) {
        if (stallAt === 'mid-write' && i === Math.floor(chunks.length / 2)) stall('mid-write', tmp);
        await handle.write(chunks[i] as Uint8Array);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (stallAt === 'before-rename') stall('before-rename', tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  syncFolder(dirname(path));
}

/** fsync on a folder makes a rename inside it durable (not supported everywhere: best effort). */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function stallStage(path: string): Stage | null {
  const spec = process.env.WGTE_TEST_STALL_WRITE;
  if (!spec) return null;
  const [name, nth, stage] = spec.split(':');
  if (stage !== 'mid-write' && stage !== 'before-rename') {
    throw new Error(`WGTE_TEST_STALL_WRITE: expected '<file name>:<n>:mid-write|before-rename', got '${spec}'`);
  }
  if (basename(path) !== name) return null;
  const count = (writesByName.get(name) ?? 0) + 1;
  writesByName.set(name, count);
  return count === Number(nth) ? stage : null;
}

function stall(stage: Stage, tmp: string): void {
  writeSync(2, `WGTE_TEST_STALL ${stage} ${tmp}\n`);
  // Blocks this thread (timers and I/O included) until the test kills the process.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
}
