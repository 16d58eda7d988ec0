/**
 * Crash safety of training (kill -9, as a power cut or the OOM killer would): during an
 * epoch, and during a checkpoint write, stopped by write-file-atomic's test hook
 * (WGTE_TEST_STALL_WRITE) before the rename or half-way through the temporary file.
 * After each, the checkpoint on disk is the last complete one and verifies; a resumed
 * run loses at most the interrupted epoch and ends with weights byte-identical to an
 * uninterrupted run; a half-written file never reads as valid.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointPath, readCheckpoint, removeStaleTemporaries } from '../model/checkpoint.js';
import { trainTutorial, type TrainOptions, type TrainResult } from '../model/train.js';

const REPO = resolve(import.meta.dirname, '..');
const settings = { backend: 'cpu' as const, epochs: 2, batchSize: 32, seed: 21, trainLimit: 96, testLimit: 32, verbose: 0 as const };

/** Starts a child script; resolves once `killWhen` sees its output, after killing it with SIGKILL. */
function killChild(
  script: string, args: string[], killWhen: (stdout: string, stderr: string) => boolean, env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; signal: string | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, script), ...args], {
      cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killing = false;
    const check = () => {
      if (!killing && killWhen(stdout, stderr)) {
        killing = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', (d) => { stdout += d; check(); });
    child.stderr.on('data', (d) => { stderr += d; check(); });
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') done({ stdout, stderr, signal });
      else fail(new Error(`${script} ended by itself (exit ${code}) before it was killed:\n${stdout}\n${stderr}`));
    });
  });
}

async function resume(outDir: string, logs: string[] = []): Promise<TrainResult> {
  return trainTutorial({ ...settings, outDir, resume: true, log: (l) => logs.push(l) } satisfies TrainOptions);
}

async function expectSameAsUninterrupted(r: TrainResult): Promise<void> {
  expect(r.history).toEqual(whole.history);
  const wa = await whole.model.getWeights();
  const wb = await r.model.getWeights();
  wa.forEach((w, i) => expect(Buffer.from(wb[i].buffer).equals(Buffer.from(w.buffer)), `weights ${i}`).toBe(true));
}

let whole: TrainResult;
let wholeDir: string;
beforeAll(async () => {
  wholeDir = mkdtempSync(join(tmpdir(), 'crash-whole-'));
  whole = await trainTutorial({ ...settings, outDir: wholeDir, log: () => {} });
}, 300_000);

describe('kill -9', () => {
  it('during an epoch: the last epoch-end checkpoint verifies, and --resume redoes only that epoch', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'crash-epoch-'));
    // The child blocks after the last step of epoch 2 (index 1), before its validation and
    // checkpoint: epoch 1's checkpoint is on disk and epoch 2's never is, however fast the machine.
    await killChild('test/helpers/train-child.ts', [JSON.stringify({ ...settings, outDir })], (out) => out.includes('STALLED 1:3'), {
      WGTE_TEST_STALL_STEP: '1:3',
    });
    expect(readCheckpoint(checkpointPath(outDir)).header.epoch).toBe(1);
    const logs: string[] = [];
    const r = await resume(outDir, logs);
    expect(logs).toContain(`resuming from ${checkpointPath(outDir)} after epoch 1`);
    await expectSameAsUninterrupted(r);
  });

  it('during a checkpoint write, before the rename: the previous checkpoint stays valid, the temporary file is never read, --resume works', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'crash-rename-'));
    // The 2nd write of checkpoint.bin is epoch 2's.
    const { stderr } = await killChild('test/helpers/train-child.ts', [JSON.stringify({ ...settings, outDir })], (_o, err) => err.includes('WGTE_TEST_STALL'), {
      WGTE_TEST_STALL_WRITE: 'checkpoint.bin:2:before-rename',
    });
    const tmp = /WGTE_TEST_STALL before-rename (\S+)/.exec(stderr)![1];
    expect(readCheckpoint(checkpointPath(outDir)).header.epoch).toBe(1);
    // Complete, but only the rename would have made it the checkpoint.
    expect(readCheckpoint(tmp).header.epoch).toBe(2);
    const logs: string[] = [];
    const r = await resume(outDir, logs);
    expect(logs.some((l) => l.startsWith('removed checkpoint.bin.tmp-') && l.includes('interrupted checkpoint write'))).toBe(true);
    expect(readdirSync(outDir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await expectSameAsUninterrupted(r);
  });

  it('half-way through writing a checkpoint: the file on disk is untouched and the half-written one never verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crash-mid-'));
    const path = checkpointPath(dir);
    copyFileSync(checkpointPath(wholeDir), path);
    const before = readFileSync(path);
    const { stderr } = await killChild('test/helpers/write-checkpoint-child.ts', [path], (_o, err) => err.includes('WGTE_TEST_STALL'), {
      WGTE_TEST_STALL_WRITE: 'checkpoint.bin:1:mid-write',
    });
    const tmp = /WGTE_TEST_STALL mid-write (\S+)/.exec(stderr)![1];
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(tmp)).toBe(true);
    expect(() => readCheckpoint(tmp)).toThrow(/^checkpoint .*: (checksum mismatch|not a checkpoint)/);
    expect(removeStaleTemporaries(path)).toEqual([basename(tmp)]);
  });
});
