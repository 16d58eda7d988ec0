// The operands of conv2dBackpropFilter as a GEMM for the variant entry points
// (include/gemm-tiled.wgsl, include/gemm-subgroup.wgsl): dW[K = kH*kW*inC, outC] =
// patches(X)ᵀ · dY over one chunk of the P = N*outH*outW output pixels (the chunk is the launch's
// layer, as in conv2d_backprop_filter.wgsl); writes partial[chunk, K, outC], the host sums them.
#include "include/conv2d-filter-io.wgsl"
fn reductionRange(chunk: u32) -> vec2<u32> {
  let start = chunk * p.chunkLen;
  return vec2<u32>(start, min(start + p.chunkLen, p.batch * p.outH * p.outW));
}
// Filter row k = (kh, kw, ic): its tap less the padding, and its channel.
struct RowInfo { dh: i32, dw: i32, ic: u32, }
fn rowInfo(k: u32) -> RowInfo {
  let t = k / p.inC;
  return RowInfo(i32(t / p.kW) - i32(p.padTop), i32(t % p.kW) - i32(p.padLeft), k % p.inC);
}
// The input under tap r of output pixel q.
fn loadA(r: RowInfo, q: u32) -> f32 {
  let hw = p.outH * p.outW;
  let rr = q % hw;
  let ih = i32((rr / p.outW) * p.strideH) + r.dh;
  let iw = i32((rr % p.outW) * p.strideW) + r.dw;
  if (ih < 0 || ih >= i32(p.inH) || iw < 0 || iw >= i32(p.inW)) { return 0.0; }
  return x[(((q / hw) * p.inH + u32(ih)) * p.inW + u32(iw)) * p.inC + r.ic];
}
fn loadB4(q: u32, cols: vec4<u32>) -> vec4<f32> {
  let b = q * p.outC;
  return vec4<f32>(dy[b + cols.x], dy[b + cols.y], dy[b + cols.z], dy[b + cols.w]);
}
fn storeRow(k: u32, c0: u32, chunk: u32, v: vec4<f32>) {
  let base = (chunk * p.kH * p.kW * p.inC + k) * p.outC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.outC) { partial[base + c0 + j] = v[j]; }
  }
}
