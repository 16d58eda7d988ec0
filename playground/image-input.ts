/**
 * A person's picture as something the worker can turn into the model's input with the engine's
 * fromPixels (grayscale, 28x28; on WebGPU copyExternalImageToTexture and a compute pass, no trip
 * through the CPU): an ImageBitmap, which transfers to the worker without a copy.
 *
 * fromPixels follows the rule of `npm run predict -- --image` (luma, optional inversion, times
 * alpha, area-average resize), except that it stretches a non-square picture; the page pads it
 * first, centred on a transparent square (transparent = the black background), as predict does.
 */

/** Decodes an image file (PNG, JPEG, ...) without colour management; a clear error when it is not an image. */
export async function decodeImageFile(file: Blob & { name?: string }): Promise<ImageBitmap> {
  const name = file.name ? `'${file.name}'` : 'the file';
  try {
    return await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${name} is not an image the browser can decode (type ${file.type || 'unknown'}, ${file.size} bytes): drop a PNG or JPEG`);
  }
}

/** The picture centred on a transparent square (a square one is returned as it is). */
export function padToSquare(bitmap: ImageBitmap): ImageBitmap {
  const { width: w, height: h } = bitmap;
  if (w === h) return bitmap;
  const side = Math.max(w, h);
  const canvas = new OffscreenCanvas(side, side);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('image: no 2D canvas context to pad the picture');
  ctx.drawImage(bitmap, Math.floor((side - w) / 2), Math.floor((side - h) / 2));
  bitmap.close();
  return canvas.transferToImageBitmap();
}
