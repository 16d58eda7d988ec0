// Shared by the pooling kernels: the window geometry (engine/ops/geometry.ts resolves it; n is
// the number of invocations) and the split of a flat NHWC index.
struct Params {
  n: u32, inH: u32, inW: u32, channels: u32,
  outH: u32, outW: u32, poolH: u32, poolW: u32,
  strideH: u32, strideW: u32, padTop: u32, padLeft: u32,
}
// (batch, row, column, channel) of flat index i into an NHWC array of height h and width w.
fn nhwc(i: u32, h: u32, w: u32) -> vec4<u32> {
  let pix = i / p.channels;
  return vec4<u32>(pix / (w * h), (pix / w) % h, pix % w, i % p.channels);
}
