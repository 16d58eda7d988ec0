/**
 * Saved models prove their integrity (issue 9, "kill -9 during a model save"): model.json records
 * the size and CRC-32 of the weights, and a load checks it.
 * - A save killed with SIGKILL between weights.bin and model.json (write-file-atomic's stall hook
 *   stops it before model.json's rename) leaves the new weights beside the old model.json; loading
 *   that pair fails, naming both files. Without the checksum the same pair loads silently (shown,
 *   so the test can fail). A save killed while writing weights.bin leaves the previous model, which
 *   loads; the temporary files a kill leaves are never read.
 * - A flipped bit or a truncated weights.bin fails the same way, in Node and through the
 *   browser-safe modelFromArtifacts.
 * - TensorFlow.js's own file loader (tf.io.http over the saved files) ignores the extra field.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32 as zlibCrc32 } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend } from '../engine/runtime.js';
import { tutorialCnn } from '../model/cnn.js';
import { crc32 } from '../model/crc32.js';
import { type ModelJson, modelFromArtifacts, modelToArtifacts } from '../model/tfjs-format.js';
import { loadModel, saveModel } from '../model/tfjs-format-node.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tfjs-integrity-'));
  dirs.push(d);
  return d;
}
const x = { values: Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 97) / 97), shape: [2, 28, 28, 1] };

beforeAll(() => setBackend(new CpuBackend('float32')));
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/**
 * Saves tutorialCnn(seed) into dir in a child process that write-file-atomic's stall hook
 * (WGTE_TEST_STALL_WRITE) stops at `stall` ("<file>:<n>:<stage>"); then SIGKILLs it there.
 */
async function killSave(seed: number, dir: string, stall: string): Promise<void> {
  const script = join(tempDir(), 'save.mts');
  const url = (p: string) => pathToFileURL(join(root, p)).href;
  writeFileSync(script, [
    `import { CpuBackend } from '${url('engine/backends/cpu/cpu-backend.ts')}';`,
    `import { setBackend } from '${url('engine/runtime.ts')}';`,
    `import { tutorialCnn } from '${url('model/cnn.ts')}';`,
    `import { saveModel } from '${url('model/tfjs-format-node.ts')}';`,
    `setBackend(new CpuBackend('float32'));`,
    `await saveModel(tutorialCnn(${seed}), ${JSON.stringify(dir)});`,
    `console.log('saved');`,
  ].join('\n'));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root, env: { ...process.env, WGTE_TEST_STALL_WRITE: stall }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
  await new Promise<void>((res, rej) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (err.includes('WGTE_TEST_STALL ')) res();
    });
    child.on('exit', (code) => rej(new Error(`the save child exited (${code}) before the stall: ${err}${out}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  expect(out).not.toContain('saved');
}

/** The folder's files without the temporary ones a killed write leaves. */
function savedFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => !f.includes('.tmp-')).sort();
}

describe('saved models carry a checksum of their weights', () => {
  it('records the weights\' size and CRC-32 (equal to zlib\'s) in model.json', async () => {
    const model = tutorialCnn(1);
    const dir = tempDir();
    await saveModel(model, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
    const bin = readFileSync(join(dir, 'weights.bin'));
    expect(json.weightsChecksum).toEqual({
      algorithm: 'crc32', byteLength: bin.byteLength, value: zlibCrc32(bin).toString(16).padStart(8, '0'),
    });
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
    model.dispose();
  });

  it('a save killed between weights.bin and model.json leaves a pair that fails to load, naming both files', async () => {
    const dir = tempDir();
    const old = tutorialCnn(1);
    await saveModel(old, dir);
    const oldJson = readFileSync(join(dir, 'model.json'), 'utf8');
    const oldBin = readFileSync(join(dir, 'weights.bin'));

    // weights.bin renamed into place, model.json's temporary file written but not renamed.
    await killSave(2, dir, 'model.json:1:before-rename');
    // The kill left the new weights beside the old model.json (and model.json's temporary file).
    expect(savedFiles(dir)).toEqual(['model.json', 'weights.bin']);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(oldJson);
    const newBin = readFileSync(join(dir, 'weights.bin'));
    expect(newBin.byteLength).toBe(oldBin.byteLength);
    expect(newBin.equals(oldBin)).toBe(false);

    expect(await loadError(dir)).toMatch(new RegExp(
      `^loadModel\\(${reEscape(join(dir, 'model.json'))}\\): tfjs-format: ${reEscape(join(dir, 'weights.bin'))} \\(${newBin.byteLength} bytes, crc32 [0-9a-f]{8}\\) does not match the checksum in model.json`,
    ));

    // Without the checksum the mismatched pair would load, silently, as a model with the new
    // weights under the old model.json: what the checksum is there to catch.
    const stripped = JSON.parse(oldJson) as ModelJson;
    delete stripped.weightsChecksum;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(stripped));
    const silent = await loadModel(dir);
    const fresh = tutorialCnn(2);
    expect(await silent.predict(x)).toEqual(await fresh.predict(x));
    expect(await silent.predict(x)).not.toEqual(await old.predict(x));

    // A fresh save over the wreck works.
    await saveModel(fresh, dir);
    const reloaded = await loadModel(dir);
    expect(await reloaded.predict(x)).toEqual(await fresh.predict(x));
    [old, silent, fresh, reloaded].forEach((m) => m.dispose());
  });

  for (const stage of ['mid-write', 'before-rename']) {
    it(`a save killed while writing weights.bin (${stage}) leaves the previous model, which loads`, async () => {
      const dir = tempDir();
      const old = tutorialCnn(5);
      await saveModel(old, dir);
      await killSave(6, dir, `weights.bin:1:${stage}`);
      expect(savedFiles(dir)).toEqual(['model.json', 'weights.bin']);
      expect(readdirSync(dir).some((f) => f.startsWith('weights.bin.tmp-'))).toBe(true); // the half-done write, never read
      const loaded = await loadModel(dir);
      expect(await loaded.predict(x)).toEqual(await old.predict(x));
      [old, loaded].forEach((m) => m.dispose());
    });
  }

  it('a flipped bit or a truncated weights.bin fails to load, from files and in memory', async () => {
    const model = tutorialCnn(3);
    const dir = tempDir();
    await saveModel(model, dir);
    const bin = readFileSync(join(dir, 'weights.bin'));
    const flipped = Buffer.from(bin);
    flipped[1000] ^= 0x10;
    writeFileSync(join(dir, 'weights.bin'), flipped);
    expect(await loadError(dir)).toMatch(/weights\.bin \(\d+ bytes, crc32 [0-9a-f]{8}\) does not match the checksum in model.json \(weightsChecksum: \d+ bytes/);

    const artifacts = await modelToArtifacts(model);
    const damaged = new Uint8Array(artifacts.weightData.slice(0));
    damaged[5] ^= 1;
    expect(() => modelFromArtifacts({ modelJson: artifacts.modelJson, weightData: damaged.buffer })).toThrow(
      /^tfjs-format: the weight data \(\d+ bytes, crc32 [0-9a-f]{8}\) does not match the checksum in model.json/,
    );
    const truncated = artifacts.weightData.slice(0, artifacts.weightData.byteLength - 4);
    expect(() => modelFromArtifacts({ modelJson: artifacts.modelJson, weightData: truncated })).toThrow(/does not match the checksum in model.json/);
    const bogus = { ...artifacts.modelJson, weightsChecksum: { algorithm: 'md5', byteLength: 1, value: 'x' } } as unknown as ModelJson;
    expect(() => modelFromArtifacts({ modelJson: bogus, weightData: artifacts.weightData })).toThrow(/weightsChecksum .* is not valid/);
    // The intact data still loads.
    const ok = modelFromArtifacts(artifacts);
    expect(await ok.predict(x)).toEqual(await model.predict(x));
    [model, ok].forEach((m) => m.dispose());
  });

  it('TensorFlow.js\'s file loader reads a model.json that carries the checksum', async () => {
    const model = tutorialCnn(4);
    const dir = tempDir();
    await saveModel(model, dir);
    const files: Record<string, Buffer> = { 'model.json': readFileSync(join(dir, 'model.json')), 'weights.bin': readFileSync(join(dir, 'weights.bin')) };
    const fetchFunc = async (url: string | URL | Request) => new Response(new Uint8Array(files[String(url).split('/').pop()!]), { status: 200 });
    const tfModel = await tf.loadLayersModel(tf.io.http('http://models.test/m/model.json', { fetchFunc }));
    const input = tf.tensor4d(x.values, [2, 28, 28, 1]);
    const theirs = (tfModel.predict(input) as tf.Tensor).dataSync();
    const ours = await model.predict(x);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(1e-4);
    input.dispose();
    tfModel.dispose();
    model.dispose();
  });
});

/** The message loadModel(dir) rejects with ('loaded' if it loads: a model is too big for a diff). */
async function loadError(dir: string): Promise<string> {
  return loadModel(dir).then((m) => { m.dispose(); return 'loaded'; }, (e: Error) => e.message);
}

function reEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
