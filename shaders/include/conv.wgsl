// The parameter block of every conv kernel: the geometry resolved by engine/ops/geometry.ts
// (NHWC input, HWIO filter), the block grid set by the launch (tilesX, tilesY, layers: see
// include/tiles.wgsl and include/blocks.wgsl), and two fields only some kernels read:
// flags (forward: 1 = add bias, 2 = ReLU) and chunkLen (filter gradient: output pixels per
// chunk of the reduction; the chunks are the layers).
struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outH: u32, outW: u32, outC: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32, tilesX: u32, tilesY: u32, layers: u32,
  flags: u32, chunkLen: u32,
}
