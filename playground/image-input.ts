/**
 * An RGBA image (a dropped PNG, the drawing canvas) as the model's input: 28x28 values in [0, 1],
 * a light object on black. The conversion is the one `npm run predict -- --image` applies
 * (model/predict-cli.ts pngToInput), so a file gets the same input in the page and in the CLI:
 * luma 0.299 R + 0.587 G + 0.114 B (exact for gray pixels), optional inversion, alpha laid over a
 * black background, a centred square padding, then an area-averaging (shrink) or bilinear
 * (enlarge) resize. A 28x28 grayscale image is used exactly (pixel / 255).
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width*height*4 bytes, not premultiplied. */
  data: Uint8ClampedArray | Uint8Array;
}

/** Per output sample, [input index, weight] pairs: box filter when shrinking, linear when enlarging. */
function resizeWeights(n: number, m: number): [number, number][][] {
  const out: [number, number][][] = [];
  const scale = n / m;
  for (let o = 0; o < m; o++) {
    if (n === m) out.push([[o, 1]]);
    else if (n > m) {
      const lo = o * scale;
      const hi = (o + 1) * scale;
      const w: [number, number][] = [];
      for (let i = Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) {
        const cover = Math.min(hi, i + 1) - Math.max(lo, i);
        if (cover > 0) w.push([i, cover / scale]);
      }
      out.push(w);
    } else {
      const c = Math.min(n - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const i0 = Math.floor(c);
      const f = c - i0;
      out.push(i0 + 1 < n && f > 0 ? [[i0, 1 - f], [i0 + 1, f]] : [[i0, 1]]);
    }
  }
  return out;
}

function resizeSquare(src: Float32Array, side: number, size: number): Float32Array {
  const wts = resizeWeights(side, size);
  const rows = new Float32Array(side * size);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (const [i, k] of wts[x]) s += src[y * side + i] * k;
      rows[y * size + x] = s;
    }
  }
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (const [j, k] of wts[y]) s += rows[j * size + x] * k;
      out[y * size + x] = s;
    }
  }
  return out;
}

export function rgbaToInput(image: RgbaImage, options: { invert?: boolean; size?: number } = {}): Float32Array {
  const size = options.size ?? 28;
  const { width: w, height: h, data } = image;
  if (!(w > 0 && h > 0) || data.length !== w * h * 4) throw new Error(`image: expected ${w}x${h}x4 RGBA bytes, got ${data.length}`);
  const gray = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) {
    const r = data[4 * p];
    const g = data[4 * p + 1];
    const b = data[4 * p + 2];
    const luma = (r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b) / 255;
    gray[p] = (options.invert ? 1 - luma : luma) * (data[4 * p + 3] / 255);
  }
  let side = w;
  let square = gray;
  if (w !== h) {
    side = Math.max(w, h);
    square = new Float32Array(side * side);
    const ox = Math.floor((side - w) / 2);
    const oy = Math.floor((side - h) / 2);
    for (let y = 0; y < h; y++) square.set(gray.subarray(y * w, (y + 1) * w), (y + oy) * side + ox);
  }
  const out = side === size ? square : resizeSquare(square, side, size);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return out;
}

/** Decodes an image file (PNG, JPEG, ...) to RGBA without colour management; a clear error when it is not an image. */
export async function decodeImageFile(file: Blob & { name?: string }): Promise<RgbaImage> {
  const name = file.name ? `'${file.name}'` : 'the file';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${name} is not an image the browser can decode (type ${file.type || 'unknown'}, ${file.size} bytes): drop a PNG or JPEG`);
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('image: no 2D canvas context');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, data };
  } finally {
    bitmap.close();
  }
}
