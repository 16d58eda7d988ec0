/**
 * Ensembles (model/ensemble.ts) and `npm run evaluate` / `npm run predict -- --ensemble`: the
 * average against softmax averages computed here by hand from each model's own logits, the
 * weights, models of different architectures (Sequential and functional, one ending in softmax),
 * and the bad inputs. Small untrained models: what is tested is the arithmetic, not accuracy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { input } from '../engine/nn/functional/input.js';
import { Model } from '../engine/nn/functional/model.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { Ensemble, averageProbabilities, normaliseWeights, parseModelList, parseWeightList, scoreProbabilities } from '../model/ensemble.js';
import { main as evaluateMain, parseEvaluateArgs } from '../model/evaluate-cli.js';
import { main as predictMain, parsePredictArgs } from '../model/predict-cli.js';
import { MODEL_JSON, WEIGHTS_BIN } from '../model/tfjs-format.js';
import { saveModel } from '../model/tfjs-format-node.js';
import { functionalToArtifacts } from '../model/tfjs-functional.js';
import { loadLayersModel } from '../model/saved-model.js';

const N = 60;
const data = loadFashionMnist({ limit: { train: 0, test: N } });
const testX = { values: data.test.images, shape: [N, 28, 28, 1] };
const dir = mkdtempSync(join(tmpdir(), 'ensemble-'));
const dirs = { dense: join(dir, 'dense'), conv: join(dir, 'conv'), soft: join(dir, 'soft'), functional: join(dir, 'functional'), five: join(dir, 'five'), wide: join(dir, 'wide') };
/** Each saved model's raw outputs on the N test images, from the model before saving. */
const outputs: Record<string, Float32Array> = {};

/** Softmax of one row, written out here (float64) rather than taken from the code under test. */
function handSoftmax(row: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(row));
  const e = Array.from(row, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function handProbabilities(raw: Float32Array, classes = 10): number[] {
  const out: number[] = [];
  for (let r = 0; r < raw.length; r += classes) out.push(...handSoftmax(raw.subarray(r, r + classes)));
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

async function save(name: keyof typeof dirs, model: Sequential): Promise<void> {
  await saveModel(model, dirs[name]);
  if (name !== 'wide') outputs[name] = await model.predict(testX);
  model.dispose();
}

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  await save('dense', new Sequential([new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 10 })], { seed: 1 }));
  await save('conv', new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 10 }),
  ], { seed: 2 }));
  // Its last layer applies softmax: its outputs are probabilities already.
  await save('soft', new Sequential([new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 10, activation: 'softmax' })], { seed: 3 }));
  await save('five', new Sequential([new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 5 })], { seed: 4 }));
  await save('wide', new Sequential([new Flatten({ inputShape: [28, 28, 2] }), new Dense({ units: 10 })], { seed: 5 }));
  const x = input({ shape: [28, 28, 1] });
  const functional = new Model({ inputs: x, outputs: new Dense({ units: 10 }).apply(new Dense({ units: 16, activation: 'relu' }).apply(new Flatten().apply(x))), seed: 6 });
  const artifacts = await functionalToArtifacts(functional);
  mkdirSync(dirs.functional, { recursive: true });
  writeFileSync(join(dirs.functional, WEIGHTS_BIN), new Uint8Array(artifacts.weightData));
  writeFileSync(join(dirs.functional, MODEL_JSON), JSON.stringify(artifacts.modelJson));
  outputs.functional = await functional.predict(testX);
  functional.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the ensemble average', () => {
  it('equals the mean of the softmaxes of each model’s logits, across architectures (Sequential, functional, softmax-ended)', async () => {
    const ensemble = await Ensemble.load([dirs.dense, dirs.conv, dirs.functional, dirs.soft]);
    expect(ensemble.classes).toBe(10);
    expect(ensemble.members.map((m) => m.weight)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(ensemble.members[2].model).toBeInstanceOf(Model);
    const perModel = await ensemble.memberProbabilities(testX);
    const hand = [handProbabilities(outputs.dense), handProbabilities(outputs.conv), handProbabilities(outputs.functional), Array.from(outputs.soft)];
    // The softmax-ended model's outputs are taken as they are, not passed through softmax again.
    expect(perModel[3]).toEqual(outputs.soft);
    perModel.forEach((p, i) => expectClose(p, hand[i], 1e-6));
    const mean = hand[0].map((_, j) => (hand[0][j] + hand[1][j] + hand[2][j] + hand[3][j]) / 4);
    const combined = ensemble.combine(perModel);
    expectClose(combined, mean, 1e-6);
    for (let r = 0; r < N; r++) expect(combined.subarray(r * 10, (r + 1) * 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    ensemble.dispose();
  });

  it('weights: normalised, so 3,1 is 0.75 / 0.25 and 2,2 is the plain mean', async () => {
    expect(normaliseWeights(2, [3, 1])).toEqual([0.75, 0.25]);
    expect(normaliseWeights(3)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const weighted = await Ensemble.load([dirs.dense, dirs.conv], [3, 1]);
    const perModel = await weighted.memberProbabilities(testX);
    const a = handProbabilities(outputs.dense);
    const b = handProbabilities(outputs.conv);
    expectClose(weighted.combine(perModel), a.map((v, j) => 0.75 * v + 0.25 * b[j]), 1e-6);
    const same = await Ensemble.load([dirs.dense, dirs.conv], [2, 2]);
    expect(same.combine(perModel)).toEqual(averageProbabilities(perModel));
    weighted.dispose();
    same.dispose();
    // A row where the weights decide: model A says class 0, model B class 1.
    const pa = Float32Array.from([0.7, 0.3]);
    const pb = Float32Array.from([0.2, 0.8]);
    expectClose(averageProbabilities([pa, pb], [1, 1]), [0.45, 0.55], 1e-7);
    expectClose(averageProbabilities([pa, pb], [4, 1]), [0.6, 0.4], 1e-7);
  });

  it('scores probabilities as mean -log(p[label]) (clipped at 1e-7) and argmax accuracy', () => {
    const p = Float32Array.from([0.5, 0.5, 0, 0.9, 0.1, 0, 0.2, 0.3, 0.5]);
    const s = scoreProbabilities(p, [1, 0, 2], 3);
    // Row 0: a tie goes to class 0 (wrong); row 1 right; row 2 right.
    expect(s.accuracy).toBeCloseTo(2 / 3, 12);
    expect(s.loss).toBeCloseTo((-Math.log(0.5) - Math.log(Math.fround(0.9)) - Math.log(0.5)) / 3, 6);
    expect(scoreProbabilities(Float32Array.from([1, 0]), [1], 2).loss).toBeCloseTo(-Math.log(1e-7), 6);
    expect(() => scoreProbabilities(p, [0, 1], 3)).toThrow('scoreProbabilities: 9 probabilities for 2 labels of 3 classes');
    expect(() => scoreProbabilities(p, [0, 1, 3], 3)).toThrow('label 2 is 3, expected a class index in 0..2');
  });
});

describe('bad ensembles and weights', () => {
  it('refuses weights that are not one positive finite number per model', () => {
    expect(() => normaliseWeights(2, [1])).toThrow('weights: expected one weight per model (2), got 1: [1]');
    expect(() => normaliseWeights(2, [1, 0])).toThrow('weights: weight 2 is 0; each weight must be a positive finite number');
    expect(() => normaliseWeights(2, [-1, 2])).toThrow('weight 1 is -1');
    expect(() => normaliseWeights(2, [1, NaN])).toThrow('weight 2 is NaN');
    expect(() => normaliseWeights(2, [1, Infinity])).toThrow('weight 2 is Infinity');
    expect(() => normaliseWeights(2, [Number.MAX_VALUE, Number.MAX_VALUE])).toThrow("the weights' sum overflows");
    expect(() => parseWeightList('1,x')).toThrow("--weights: item 2 ('x') is not a positive finite number (expected e.g. --weights 1,2,1)");
    expect(() => parseWeightList('1,,2')).toThrow("item 2 ('') is not a positive finite number");
    expect(() => parseWeightList('0.5,-2')).toThrow("item 2 ('-2')");
    expect(parseWeightList('2, 1,0.5')).toEqual([2, 1, 0.5]);
    expect(() => parseModelList('a,,b', '--ensemble')).toThrow("--ensemble: item 2 of 'a,,b' is empty");
  });

  it('refuses models of different class counts or input shapes, naming both, and a missing folder', async () => {
    await expect(Ensemble.load([dirs.dense, dirs.five])).rejects.toThrow(`ensemble: ${dirs.five} outputs 5 classes but ${dirs.dense} outputs 10; only models of the same classes can be averaged`);
    await expect(Ensemble.load([dirs.dense, dirs.wide])).rejects.toThrow(`ensemble: ${dirs.wide} takes inputs of shape [28, 28, 2] but ${dirs.dense} takes [28, 28, 1]`);
    const missing = join(dir, 'nothing-here');
    await expect(Ensemble.load([dirs.dense, missing])).rejects.toThrow(`loadModel: cannot read ${join(missing, MODEL_JSON)}`);
    await expect(Ensemble.load([dirs.dense, dirs.conv], [1, 2, 3])).rejects.toThrow('expected one weight per model (2), got 3');
  });

  it('loadLayersModel builds Sequential and functional models from their class_name', async () => {
    const seq = await loadLayersModel(dirs.conv);
    const fn = await loadLayersModel(dirs.functional);
    expect(seq).toBeInstanceOf(Sequential);
    expect(fn).toBeInstanceOf(Model);
    expect(await fn.predict(testX)).toEqual(outputs.functional);
    seq.dispose();
    fn.dispose();
  });
});

describe('npm run evaluate', () => {
  it('reports each model’s and the ensemble’s test loss and accuracy, as computed from the logits here', async () => {
    const lines: string[] = [];
    const r = (await evaluateMain(['--model', `${dirs.dense},${dirs.conv}`, '--weights', '1,3', '--test-limit', String(N)], (l) => lines.push(l)))!;
    expect(r.testImages).toBe(N);
    expect(r.rows.map((x) => x.name)).toEqual([dirs.dense, dirs.conv, 'ensemble']);
    expect(r.rows.map((x) => x.weight)).toEqual([0.25, 0.75, undefined]);
    const score = (p: number[]) => {
      let loss = 0;
      let right = 0;
      for (let i = 0; i < N; i++) {
        const row = p.slice(i * 10, (i + 1) * 10);
        loss -= Math.log(Math.max(1e-7, row[data.test.labels[i]]));
        if (row.indexOf(Math.max(...row)) === data.test.labels[i]) right++;
      }
      return { loss: loss / N, accuracy: right / N };
    };
    const a = handProbabilities(outputs.dense);
    const b = handProbabilities(outputs.conv);
    const want = [score(a), score(b), score(a.map((v, j) => 0.25 * v + 0.75 * b[j]))];
    r.rows.forEach((row, i) => {
      expect(row.loss).toBeCloseTo(want[i].loss, 5);
      expect(row.accuracy).toBe(want[i].accuracy);
    });
    expect(lines[0]).toMatch(/^Test set: 60 Fashion-MNIST test images \(.*\); backend CPU/);
    expect(lines).toHaveLength(2 + 3);
    expect(lines[4]).toMatch(new RegExp(`^ensemble +${want[2].loss.toFixed(4)} +${(100 * want[2].accuracy).toFixed(2)}%$`));
  });

  it('evaluates a --classes model on that class subset, and says so when the classes do not match', async () => {
    const r = (await evaluateMain(['--model', dirs.five, '--classes', '5-9', '--test-limit', String(N)], () => {}))!;
    const labels = Array.from(data.test.labels).filter((l) => l >= 5).map((l) => l - 5);
    expect(r.testImages).toBe(labels.length);
    expect(r.rows).toHaveLength(1);
    await expect(evaluateMain(['--model', dirs.five, '--test-limit', '10'], () => {})).rejects.toThrow(
      'the models output 5 classes but the test labels have 10 (a model trained with --classes LIST is evaluated with --classes LIST)',
    );
    expect(() => parseEvaluateArgs(['--model', 'a,b', '--weights', '1'])).toThrow('--weights: expected one weight per --model folder (2), got 1');
    expect(() => parseEvaluateArgs(['--test-limit', '0'])).toThrow("--test-limit must be a positive integer, got '0'");
    expect(() => parseEvaluateArgs(['--classes', '3'])).toThrow('--classes: a classifier needs at least 2 classes');
  });
});

describe('npm run predict -- --ensemble', () => {
  it('ranks the classes of one test image by the weighted mean, and lists each model', async () => {
    const lines: string[] = [];
    const i = 7;
    const r = (await predictMain(['--ensemble', `${dirs.dense},${dirs.functional}`, '--weights', '2,1', '--index', String(i), '--top', '2'], (l) => lines.push(l)))!;
    const a = handSoftmax(outputs.dense.subarray(i * 10, (i + 1) * 10));
    const b = handSoftmax(outputs.functional.subarray(i * 10, (i + 1) * 10));
    const mean = a.map((v, k) => (2 * v + b[k]) / 3);
    expectClose(r.probabilities, mean, 1e-6);
    expect(r.ranked[0].classIndex).toBe(mean.indexOf(Math.max(...mean)));
    expect(r.members!.map((m) => m.weight)).toEqual([2 / 3, 1 / 3]);
    expect(lines[0]).toMatch(/^Ensemble of 2 models \(backend CPU.*\), the weighted mean of their probabilities:$/);
    expect(lines[1]).toMatch(new RegExp(`^  ${dirs.dense}  weight 0\\.667  says `));
    expect(lines[3]).toBe(`Image: Fashion-MNIST test image #${i}`);
    expect(lines).toHaveLength(3 + 1 + 2 + 1);
  });

  it('refuses --model with --ensemble, --weights alone, and a weight count that does not match', () => {
    expect(() => parsePredictArgs(['--model', 'a', '--ensemble', 'b,c', '--index', '0'])).toThrow('give either --model DIR or --ensemble DIR1,DIR2,..., not both');
    expect(() => parsePredictArgs(['--weights', '1,2', '--index', '0'])).toThrow('--weights applies to --ensemble DIR1,DIR2,... only');
    expect(() => parsePredictArgs(['--ensemble', 'a,b', '--weights', '1', '--index', '0'])).toThrow('--weights: expected one weight per --ensemble model (2), got 1');
    expect(parsePredictArgs(['--ensemble', 'a,b', '--index', '0'])).toMatchObject({ ensemble: ['a', 'b'], weights: undefined });
  });
});

// Keep the helper honest: the hand softmax is a distribution and matches a two-class case done by hand.
it('the test’s own softmax: [0, ln 3] gives [1/4, 3/4]', () => {
  const p = handSoftmax([0, Math.log(3)]);
  expect(p[0]).toBeCloseTo(0.25, 12);
  expect(p[1]).toBeCloseTo(0.75, 12);
});
