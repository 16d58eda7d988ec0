// Shared by the pooling kernels: the window geometry (engine/ops/geometry.ts resolves it; n is
// the number of invocations) and the split of a flat NHWC index. The window arithmetic is
// include/pool-windows.wgsl.
struct Params {
  n: u32, inH: u32, inW: u32, channels: u32,
  outH: u32, outW: u32, poolH: u32, poolW: u32,
  strideH: u32, strideW: u32, padTop: u32, padLeft: u32,
}
// Element (batch, row, column, channel) of an NHWC array.
struct Pixel { b: u32, h: u32, w: u32, c: u32, }
// The pixel of flat index i into an NHWC array of height h and width w.
fn nhwc(i: u32, h: u32, w: u32) -> Pixel {
  let pix = i / p.channels;
  return Pixel(pix / (w * h), (pix / w) % h, pix % w, i % p.channels);
}
