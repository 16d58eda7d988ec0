// conv2dBackpropFilter: dW[K = kH*kW*inC, outC] = sum over P = N*outH*outW output pixels of
// patch(X)[p, k] * dY[p, oc]. The reduction over P is split into chunks (the launch's layers)
// handled by different workgroups (a naive kernel would leave conv1 with 288 threads each
// summing 173,056 terms): invocation (block, chunk) computes a 4x4 block of dW over its slice in
// registers and writes partial[chunk, K, outC]; the host then sums the chunks with the sum kernel.
#include "include/conv2d-filter-io.wgsl"
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let ks = span4(k0, p.kH * p.kW * p.inC - 1u);
  let cs = span4(c0, p.outC - 1u);
  let ic = ks % vec4<u32>(p.inC);
  let khw = ks / vec4<u32>(p.inC);
  let dh = vec4<i32>(khw / vec4<u32>(p.kW)) - i32(p.padTop);
  let dw = vec4<i32>(khw % vec4<u32>(p.kW)) - i32(p.padLeft);
  let P = p.batch * p.outH * p.outW;
  let start = chunk * p.chunkLen;
  let end = min(start + p.chunkLen, P);
  // Walk (n, oh, ow) incrementally from `start`.
  var ow = start % p.outW;
  var oh = (start / p.outW) % p.outH;
  var n = start / (p.outW * p.outH);
  let inH = vec4<i32>(i32(p.inH));
  let inW = vec4<i32>(i32(p.inW));
  var acc: Block4;
  for (var q = start; q < end; q++) {
    let ih = vec4<i32>(i32(oh * p.strideH)) + dh;
    let iw = vec4<i32>(i32(ow * p.strideW)) + dw;
    let valid = (ih >= vec4<i32>(0)) & (ih < inH) & (iw >= vec4<i32>(0)) & (iw < inW);
    let pix = (vec4<u32>(n * p.inH) + vec4<u32>(max(ih, vec4<i32>(0)))) * p.inW + vec4<u32>(max(iw, vec4<i32>(0)));
    let off = select(vec4<u32>(0u), pix * p.inC + ic, valid);
    let mask = select(vec4<f32>(0.0), vec4<f32>(1.0), valid);
    let db = q * p.outC;
    mac4(&acc, vec4<f32>(x[off.x], x[off.y], x[off.z], x[off.w]) * mask, vec4<f32>(dy[db + cs.x], dy[db + cs.y], dy[db + cs.z], dy[db + cs.w]));
    ow++;
    if (ow == p.outW) { ow = 0u; oh++; if (oh == p.outH) { oh = 0u; n++; } }
  }
  storeBlock4(acc, k0, c0, chunk);
}
fn storeRow(k: u32, c0: u32, chunk: u32, v: vec4<f32>) {
  let row = (chunk * p.kH * p.kW * p.inC + k) * p.outC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.outC) { partial[row + c0 + j] = v[j]; }
  }
}
