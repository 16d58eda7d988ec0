/**
 * Node only: writes a file atomically (a temporary file in the same folder,
 * fsync'd, then renamed over the target), so a crash leaves either the old file
 * or the new one, never half of one. Shared by checkpoints and saved models.
 */
import { open, rename, rm } from 'node:fs/promises';

export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const handle = await open(tmp, 'w');
    try {
      if (Array.isArray(data)) {
        for (const chunk of data as readonly Uint8Array[]) await handle.write(chunk);
      } else {
        await handle.writeFile(data as string | Uint8Array);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
