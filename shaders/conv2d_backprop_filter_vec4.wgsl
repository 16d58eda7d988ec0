// conv2dBackpropFilter, vec4 variant (outC a multiple of 4): dW[K = kH*kW*inC, outC] as the GEMM
// patches(X)ᵀ · dY over the P = N*outH*outW output pixels, with each invocation computing 8 rows
// k x 8 channels of dW in registers over one chunk of P (per pixel: 8 x + 8 dy loads for 64
// multiply-adds; the 4x4 kernel does 8 loads and per-k index math for 16). Writes
// partial[chunk, K, outC]; the host sums the chunks. The 8 rows k are any 8 consecutive rows
// (any inC): each has a fixed offset from the pixel's window origin, precomputed. The padding
// test is done for every pixel, branch-free: skipping it behind a uniform `if (padded)` measured
// 1.48x SLOWER on SwiftShader (conv2, same run, median of 7), whose branches cost both paths.
// Invocations are numbered linearly (channel block fastest); the workgroup size WGX*WGY is an
// override constant. tilesX = channel blocks, tilesY = row blocks.
struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outH: u32, outW: u32, outC: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32, tilesX: u32, tilesY: u32, chunks: u32,
  chunkLen: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> partial: array<vec4<f32>>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let gi = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * (WGX * WGY) + li;
  let blocks = p.tilesX * p.tilesY;
  let chunk = gi / blocks;
  if (chunk >= p.chunks) { return; }
  let bi = gi % blocks;
  let K = p.kH * p.kW * p.inC;
  let C4 = p.outC / 4u;
  let k0 = (bi / p.tilesX) * 8u;
  let ca = (bi % p.tilesX) * 2u;
  let cb = min(ca + 1u, C4 - 1u);
  let lastK = K - 1u;
  let ksA = vec4<u32>(k0, min(k0 + 1u, lastK), min(k0 + 2u, lastK), min(k0 + 3u, lastK));
  let ksB = vec4<u32>(min(k0 + 4u, lastK), min(k0 + 5u, lastK), min(k0 + 6u, lastK), min(k0 + 7u, lastK));
  let iC = vec4<u32>(p.inC);
  let kW = vec4<u32>(p.kW);
  // Row k = (kh, kw, ic): offset from the window origin (ih0, iw0), and the tap (dh, dw).
  let dhA = vec4<i32>((ksA / iC) / kW) - i32(p.padTop);
  let dhB = vec4<i32>((ksB / iC) / kW) - i32(p.padTop);
  let dwA = vec4<i32>((ksA / iC) % kW) - i32(p.padLeft);
  let dwB = vec4<i32>((ksB / iC) % kW) - i32(p.padLeft);
  let inC = i32(p.inC);
  let offA = (dhA * i32(p.inW) + dwA) * inC + vec4<i32>(ksA % iC);
  let offB = (dhB * i32(p.inW) + dwB) * inC + vec4<i32>(ksB % iC);
  let inH = vec4<i32>(i32(p.inH));
  let inW = vec4<i32>(i32(p.inW));
  let zero = vec4<i32>(0);
  let P = p.batch * p.outH * p.outW;
  let start = chunk * p.chunkLen;
  let end = min(start + p.chunkLen, P);
  var ow = start % p.outW;
  var oh = (start / p.outW) % p.outH;
  var n = start / (p.outW * p.outH);
  var a0 = vec4<f32>(0.0); var b0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0); var b1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0); var b2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0); var b3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0); var b4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0); var b5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0); var b6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0); var b7 = vec4<f32>(0.0);
  for (var q = start; q < end; q++) {
    let ih0 = i32(oh * p.strideH);
    let iw0 = i32(ow * p.strideW);
    let xb = ((i32(n * p.inH) + ih0) * i32(p.inW) + iw0) * inC;
    let hA = dhA + ih0; let hB = dhB + ih0;
    let wA = dwA + iw0; let wB = dwB + iw0;
    let vA = (hA >= zero) & (hA < inH) & (wA >= zero) & (wA < inW);
    let vB = (hB >= zero) & (hB < inH) & (wB >= zero) & (wB < inW);
    let oA = vec4<u32>(select(zero, xb + offA, vA));
    let oB = vec4<u32>(select(zero, xb + offB, vB));
    let xA = select(vec4<f32>(0.0), vec4<f32>(x[oA.x], x[oA.y], x[oA.z], x[oA.w]), vA);
    let xB = select(vec4<f32>(0.0), vec4<f32>(x[oB.x], x[oB.y], x[oB.z], x[oB.w]), vB);
    let da = dy[q * C4 + ca];
    let db = dy[q * C4 + cb];
    a0 += xA.x * da; b0 += xA.x * db;
    a1 += xA.y * da; b1 += xA.y * db;
    a2 += xA.z * da; b2 += xA.z * db;
    a3 += xA.w * da; b3 += xA.w * db;
    a4 += xB.x * da; b4 += xB.x * db;
    a5 += xB.y * da; b5 += xB.y * db;
    a6 += xB.z * da; b6 += xB.z * db;
    a7 += xB.w * da; b7 += xB.w * db;
    ow++;
    if (ow == p.outW) { ow = 0u; oh++; if (oh == p.outH) { oh = 0u; n++; } }
  }
  let base = chunk * K * C4;
  let two = ca + 1u < C4;
  store(base, k0, K, C4, ca, two, a0, b0);
  store(base, k0 + 1u, K, C4, ca, two, a1, b1);
  store(base, k0 + 2u, K, C4, ca, two, a2, b2);
  store(base, k0 + 3u, K, C4, ca, two, a3, b3);
  store(base, k0 + 4u, K, C4, ca, two, a4, b4);
  store(base, k0 + 5u, K, C4, ca, two, a5, b5);
  store(base, k0 + 6u, K, C4, ca, two, a6, b6);
  store(base, k0 + 7u, K, C4, ca, two, a7, b7);
}
fn store(base: u32, k: u32, K: u32, C4: u32, ca: u32, two: bool, va: vec4<f32>, vb: vec4<f32>) {
  if (k >= K) { return; }
  let o = base + k * C4 + ca;
  partial[o] = va;
  if (two) { partial[o + 1u] = vb; }
}
