// The parameter block of the grouped, dilated conv kernels (conv2d_grouped*.wgsl): the geometry
// resolved by engine/ops/conv-variants.ts (NHWC input, filter [kH, kW, inC/groups, outC]); n is the
// number of invocations (outputs, input elements or filter elements).
struct Params {
  n: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, outH: u32, outW: u32, outC: u32,
  kH: u32, kW: u32, strideH: u32, strideW: u32,
  padTop: u32, padLeft: u32, dilationH: u32, dilationW: u32,
  groups: u32,
}
// Element i of an NHWC array of height h, width w and c channels: (batch, row, column, channel).
fn nhwcOf(i: u32, h: u32, w: u32, c: u32) -> vec4<u32> {
  return vec4<u32>(i / (c * w * h), (i / (c * w)) % h, (i / c) % w, i % c);
}
// Along one axis: the input position o*stride + k*dilation - pad read by output position o at
// tap k, or -1 when it is padding (outside 0..size-1).
fn inputTap(o: u32, k: u32, stride: u32, dilation: u32, pad: u32, size: u32) -> i32 {
  let at = i32(o * stride + k * dilation) - i32(pad);
  return select(-1, at, at >= 0 && at < i32(size));
}
// Along one axis: the output position o whose tap k reads input position `at`
// (o*stride - pad + k*dilation = at), or -1 when there is none (between strides or outside 0..size-1).
fn outputTap(at: u32, k: u32, stride: u32, dilation: u32, pad: u32, size: u32) -> i32 {
  let t = i32(at + pad) - i32(k * dilation);
  if (t < 0 || t % i32(stride) != 0) { return -1; }
  let o = t / i32(stride);
  return select(-1, o, o < i32(size));
}
