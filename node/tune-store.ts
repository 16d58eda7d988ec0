/**
 * Node only: a tuning store in a JSON file (engine/backends/webgpu/tune-cache.ts), for the
 * tuner's variant choices and init's backend calibration. The file maps cache keys (adapter and
 * kernels version) to values; it is rewritten atomically (a temporary file, then a rename), so a
 * crash mid-write leaves the old file. A missing file is an empty store; a corrupt one is an
 * error naming the file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TuneStore } from '../engine/backends/webgpu/tune-cache.js';

export function fileStore(path: string): TuneStore {
  const read = (): Record<string, unknown> => {
    if (!existsSync(path)) return {};
    try {
      const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch (e) {
      throw new Error(`tuning store ${path}: not valid JSON (${(e as Error).message})`);
    }
    throw new Error(`tuning store ${path}: expected a JSON object`);
  };
  return {
    where: path,
    get: async (key) => read()[key],
    set: async (key, value) => {
      const all = read();
      all[key] = value;
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(all, null, 1));
      renameSync(tmp, path);
    },
  };
}
