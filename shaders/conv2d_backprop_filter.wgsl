// conv2dBackpropFilter: dW[K = kH*kW*inC, outC] = sum over P = N*outH*outW output pixels of
// patch(X)[p, k] * dY[p, oc]. The reduction over P is split into `chunks` slices handled by
// different workgroups (a naive kernel would leave conv1 with 288 threads each summing 173,056
// terms): invocation (tile, chunk) computes a 4x4 block of dW over its slice in registers and
// writes partial[chunk, K, outC]; the host then sums the chunks with the sum kernel.
struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outH: u32, outW: u32, outC: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32, tilesX: u32, tilesY: u32, chunks: u32,
  chunkLen: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let tx = g % p.tilesX;
  let rest = g / p.tilesX;
  let ty = rest % p.tilesY;
  let chunk = rest / p.tilesY;
  if (chunk >= p.chunks) { return; }
  let K = p.kH * p.kW * p.inC;
  let k0 = (ty * WGY + lid.y) * 4u;
  let c0 = (tx * WGX + lid.x) * 4u;
  if (k0 >= K || c0 >= p.outC) { return; }
  let ks = vec4<u32>(min(k0, K - 1u), min(k0 + 1u, K - 1u), min(k0 + 2u, K - 1u), min(k0 + 3u, K - 1u));
  let cs = vec4<u32>(min(c0, p.outC - 1u), min(c0 + 1u, p.outC - 1u), min(c0 + 2u, p.outC - 1u), min(c0 + 3u, p.outC - 1u));
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
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var q = start; q < end; q++) {
    let ih = vec4<i32>(i32(oh * p.strideH)) + dh;
    let iw = vec4<i32>(i32(ow * p.strideW)) + dw;
    let valid = (ih >= vec4<i32>(0)) & (ih < inH) & (iw >= vec4<i32>(0)) & (iw < inW);
    let pix = (vec4<u32>(n * p.inH) + vec4<u32>(max(ih, vec4<i32>(0)))) * p.inW + vec4<u32>(max(iw, vec4<i32>(0)));
    let off = select(vec4<u32>(0u), pix * p.inC + ic, valid);
    let mask = select(vec4<f32>(0.0), vec4<f32>(1.0), valid);
    let xv = vec4<f32>(x[off.x], x[off.y], x[off.z], x[off.w]) * mask;
    let db = q * p.outC;
    let dv = vec4<f32>(dy[db + cs.x], dy[db + cs.y], dy[db + cs.z], dy[db + cs.w]);
    acc0 += xv.x * dv;
    acc1 += xv.y * dv;
    acc2 += xv.z * dv;
    acc3 += xv.w * dv;
    ow++;
    if (ow == p.outW) { ow = 0u; oh++; if (oh == p.outH) { oh = 0u; n++; } }
  }
  let base = chunk * K * p.outC;
  store(base, k0, c0, K, acc0);
  store(base, k0 + 1u, c0, K, acc1);
  store(base, k0 + 2u, c0, K, acc2);
  store(base, k0 + 3u, c0, K, acc3);
}
fn store(base: u32, k: u32, c0: u32, K: u32, v: vec4<f32>) {
  if (k >= K) { return; }
  let row = base + k * p.outC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.outC) { partial[row + c0 + j] = v[j]; }
  }
}
