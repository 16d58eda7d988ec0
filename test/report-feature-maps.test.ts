/**
 * The report's feature maps (model/report/feature-maps.ts): every conv layer's output for a few
 * test images, equal to the layer's own forward pass, drawn as one PNG per layer and embedded in
 * report.html.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { tutorialCnn } from '../model/cnn.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { buildHtml, type EmbeddedFigure } from '../model/report/html.js';
import { convFeatureMaps, featureMapsFile, validateReportInput, writeFeatureMapFigures, type FeatureMapSet } from '../model/report/index.js';
import { sampleReportInput } from '../model/report/sample.js';

const PIXELS = 28 * 28;
let maps: FeatureMapSet[];
let figures: EmbeddedFigure[];
let dir: string;
/** conv2d + ReLU of the images with the first layer's weights, computed by the op itself. */
let firstLayer: ArrayLike<number>;

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  const data = loadFashionMnist({ limit: { train: 25, test: 20 } });
  const model = tutorialCnn(5);
  model.build();
  const images = [0, 1, 2].map((i) => ({ image: data.test.images.slice(i * PIXELS, (i + 1) * PIXELS), label: data.test.labels[i], index: i }));
  maps = await convFeatureMaps(model, images);
  // The first conv layer's maps recomputed from its weights, as an independent check.
  const [w, b] = await model.getWeights();
  const x = tensor(Float32Array.from(images.flatMap((img) => Array.from(img.image))), [3, 28, 28, 1]);
  const want = conv2d(x, tensor(w, [3, 3, 1, 32]), { bias: tensor(b, [32]), activation: 'relu' }).dataSync();
  firstLayer = want;
  dir = mkdtempSync(join(tmpdir(), 'fmaps-'));
  // writeReport calls this after the tutorial's figures (those are test/report.test.ts's).
  figures = writeFeatureMapFigures(maps, data.classNames, dir);
}, 120_000);

describe('convFeatureMaps', () => {
  it('gives every conv layer of the tutorial CNN, with its output shape, for each image', () => {
    expect(maps.map((m) => [m.layer, m.shape, m.note, m.images.length])).toEqual([
      ['conv2d', [26, 26, 32], 'after relu', 3],
      ['conv2d_1', [11, 11, 64], 'after relu', 3],
      ['conv2d_2', [3, 3, 64], 'after relu', 3],
    ]);
    expect(maps[2].images.map((i) => i.index)).toEqual([0, 1, 2]);
  });

  it("the first layer's maps equal conv2d + ReLU of the images with its weights", () => {
    const want = firstLayer;
    const got = maps[0].images.flatMap((i) => Array.from(i.values));
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-5);
    expect(got.some((v) => v > 0)).toBe(true);
  });

  it('refuses an image of the wrong size', async () => {
    await expect(convFeatureMaps(tutorialCnn(5), [{ image: new Float32Array(10), label: 0 }])).rejects.toThrow(
      /convFeatureMaps: image 0 has 10 values, the model's input \[28, 28, 1\] needs 784/,
    );
  });
});

describe('the report with feature maps', () => {
  it('writes one PNG per conv layer, not blank, with a tile per channel', () => {
    expect(figures.map((f) => [f.key, f.file])).toEqual(maps.map((m) => [`featureMaps:${m.layer}`, featureMapsFile(m.layer)]));
    for (const f of figures) {
      const png = PNG.sync.read(readFileSync(join(dir, f.file)));
      expect(png.width).toBe(2 * Math.round(f.width));
      expect(png.width).toBeGreaterThan(600);
      expect(png.height).toBeGreaterThan(300);
      let dark = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 128) dark++;
      expect(dark / (png.width * png.height)).toBeGreaterThan(0.01);
    }
  });

  it('embeds them in report.html in a section of its own, identical to the files', () => {
    const data = loadFashionMnist({ limit: { train: 25, test: 20 } });
    const html = buildHtml({ ...sampleReportInput(data), featureMaps: maps }, new Map(figures.map((f) => [f.key, f])));
    expect(html).toContain('<h2 id="feature-maps">Feature maps</h2>');
    for (const m of maps) {
      const file = featureMapsFile(m.layer);
      const match = html.match(new RegExp(`title="${file}"[^>]*src="data:image/png;base64,([^"]+)"`));
      expect(match, file).not.toBeNull();
      expect(Buffer.from(match![1], 'base64').equals(readFileSync(join(dir, file)))).toBe(true);
    }
  });

  it('rejects feature maps whose values do not fit their shape', () => {
    const data = loadFashionMnist({ limit: { train: 25, test: 20 } });
    const bad = { ...maps[2], images: [{ ...maps[2].images[0], values: new Float32Array(5) }] };
    expect(() => validateReportInput({ ...sampleReportInput(data), featureMaps: [bad] })).toThrow(
      /writeReport: featureMaps\[0\] \(conv2d_2\) image 0 has 5 values, expected 576 for shape \[3, 3, 64\]/,
    );
  });
});
