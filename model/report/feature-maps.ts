/**
 * The report's feature maps: what every conv layer of the model outputs for a few test images.
 *
 * convFeatureMaps runs the model once (one batch, no gradient; Sequential.layerOutputs, or a
 * functional Model's nodeOutputs) and reads each Conv2D's output. featureMapsSvg draws one layer: a row per image (the input and its caption, then every
 * channel as a tile). A tile is a PNG of its own, upscaled by a whole factor (nearest pixel), so the
 * figure is a few dozen images instead of tens of thousands of vega rects. Each channel is scaled
 * to its own range over the images shown (0 white, the channel's largest value black, as the
 * tutorial's 'binary' images), so the images can be compared channel by channel.
 */
import { PNG } from 'pngjs';
import { Model } from '../../engine/nn/functional/model.js';
import { Conv2D, type Layer } from '../../engine/nn/layers.js';
import type { Sequential } from '../../engine/nn/sequential.js';
import type { Tensor } from '../../engine/tensor.js';
import { noGrad, tidy } from '../../engine/runtime.js';
import { tensor } from '../../engine/tensor.js';
import { FONT_FAMILY } from './fonts.js';
import { escapeHtml } from './html.js';
import type { FeatureMapSet, LabeledImage } from './types.js';

/** Every layer's output for the batch `x`, in execution order. */
function outputsOf(model: Sequential | Model, x: Tensor): { layer: Layer; output: Tensor }[] {
  if (model instanceof Model) return model.nodeOutputs(x);
  return model.layerOutputs(x).map((output, i) => ({ layer: model.layers[i], output }));
}

/** Every Conv2D layer's output for `images` (each of the model's input size), in execution order. */
export async function convFeatureMaps(model: Sequential | Model, images: (LabeledImage & { index?: number })[]): Promise<FeatureMapSet[]> {
  const inShape = model.inputShape;
  const per = inShape.reduce((a, b) => a * b, 1);
  images.forEach((img, i) => {
    if (img.image.length !== per) throw new Error(`convFeatureMaps: image ${i} has ${img.image.length} values, the model's input [${inShape.join(', ')}] needs ${per}`);
  });
  if (images.length === 0) return [];
  const x = new Float32Array(images.length * per);
  images.forEach((img, i) => x.set(img.image, i * per));
  const xt = tensor(x, [images.length, ...inShape]);
  const convOutputs = noGrad(() => tidy(() => outputsOf(model, xt).filter((o) => o.layer instanceof Conv2D)));
  xt.dispose();
  const outs = convOutputs.map((o) => o.output);
  const convs = convOutputs.map(({ layer, output }) => {
    const { activation } = layer as Conv2D;
    return { layer: layer.name, shape: output.shape.slice(1) as [number, number, number], note: activation === 'linear' ? 'no activation' : `after ${activation}` };
  });
  model.store.backend.flush();
  const values = await Promise.all(outs.map((t) => t.data()));
  outs.forEach((t) => t.dispose());
  return convs.map((c, k) => {
    const size = c.shape[0] * c.shape[1] * c.shape[2];
    return {
      ...c,
      images: images.map((img, i) => ({ image: img.image, label: img.label, index: img.index, values: Float32Array.from(values[k].subarray(i * size, (i + 1) * size)) })),
    };
  });
}

/** A grayscale PNG (0 white, 1 black), each pixel drawn as a factor x factor block. */
function tilePng(width: number, height: number, value: (r: number, c: number) => number, factor: number): string {
  const png = new PNG({ width: width * factor, height: height * factor });
  for (let r = 0; r < height * factor; r++) {
    for (let c = 0; c < width * factor; c++) {
      const t = Math.min(1, Math.max(0, value(Math.floor(r / factor), Math.floor(c / factor))));
      const g = Math.round(255 * (1 - t));
      const o = 4 * (r * width * factor + c);
      png.data[o] = g;
      png.data[o + 1] = g;
      png.data[o + 2] = g;
      png.data[o + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** Columns of the channel grid. */
const COLUMNS = 16;
const GAP = 3;
const LEFT = 150;

/** One layer's figure as SVG: a row per image, every channel a tile. */
export function featureMapsSvg(set: FeatureMapSet, classNames: readonly string[]): { svg: string; width: number; height: number } {
  const [h, w, channels] = set.shape;
  // Channel ranges over every image shown.
  const lo = new Float64Array(channels).fill(0);
  const hi = new Float64Array(channels).fill(0);
  for (const img of set.images) {
    for (let i = 0; i < img.values.length; i++) {
      const ch = i % channels;
      lo[ch] = Math.min(lo[ch], img.values[i]);
      hi[ch] = Math.max(hi[ch], img.values[i]);
    }
  }
  const factor = Math.max(1, Math.round(44 / Math.max(h, w)));
  const tileW = w * factor;
  const tileH = h * factor;
  const cols = Math.min(COLUMNS, channels);
  const rows = Math.ceil(channels / cols);
  const blockH = Math.max(rows * (tileH + GAP), 80);
  const top = 58;
  const width = LEFT + cols * (tileW + GAP) + 10;
  const height = top + set.images.length * (blockH + 16) + 4;
  const text = (x: number, y: number, s: string, size: number, weight = 'normal', color = '#222') =>
    `<text x="${x}" y="${y}" font-family="${FONT_FAMILY}" font-size="${size}" font-weight="${weight}" fill="${color}">${escapeHtml(s)}</text>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    text(12, 24, `Feature maps of ${set.layer}`, 17, 'bold'),
    text(12, 44, `${channels} maps of ${h}x${w}${set.note ? ` (${set.note})` : ''} for ${set.images.length} test images · each map scaled to its channel's range over these images (white 0, black its largest value)`, 12, 'normal', '#444'),
  ];
  set.images.forEach((img, k) => {
    const y0 = top + k * (blockH + 16);
    const side = Math.round(Math.sqrt(img.image.length));
    if (side * side === img.image.length) {
      const f = Math.max(1, Math.floor(56 / side));
      parts.push(`<image x="12" y="${y0}" width="${side * f}" height="${side * f}" image-rendering="optimizeSpeed" href="${tilePng(side, side, (r, c) => img.image[r * side + c], f)}"/>`);
      parts.push(text(12, y0 + side * f + 16, `${img.index !== undefined ? `test ${img.index}: ` : ''}${classNames[img.label] ?? img.label}`, 12));
    }
    for (let ch = 0; ch < channels; ch++) {
      const range = hi[ch] - lo[ch];
      const x = LEFT + (ch % cols) * (tileW + GAP);
      const y = y0 + Math.floor(ch / cols) * (tileH + GAP);
      const href = tilePng(w, h, (r, c) => (range > 0 ? (img.values[(r * w + c) * channels + ch] - lo[ch]) / range : 0), factor);
      parts.push(`<image x="${x}" y="${y}" width="${tileW}" height="${tileH}" image-rendering="optimizeSpeed" href="${href}"/>`);
      parts.push(`<rect x="${x - 0.5}" y="${y - 0.5}" width="${tileW + 1}" height="${tileH + 1}" fill="none" stroke="#bbb" stroke-width="1"/>`);
    }
  });
  parts.push('</svg>');
  return { svg: parts.join('\n'), width, height };
}

/** The file name of a layer's figure: feature-maps-<layer>.png. */
export function featureMapsFile(layer: string): string {
  return `feature-maps-${layer.replace(/[^A-Za-z0-9_-]/g, '_')}.png`;
}
