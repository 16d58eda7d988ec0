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
