// conv2dBackpropFilter, vec4 variant (outC a multiple of 4): dW[K = kH*kW*inC, outC] as the GEMM
// patches(X)ᵀ · dY over the P = N*outH*outW output pixels, with each invocation computing a
// block of 8 rows k x 8 channels of dW (include/block8.wgsl) over one chunk of P (per pixel:
// 8 x + 8 dy loads for 64 multiply-adds; the 4x4 kernel does 8 loads and per-k index math for
// 16). Writes partial[chunk, K, outC], the chunks being the launch's layers; the host sums them.
// The 8 rows k are any 8 consecutive rows (any inC): each has a fixed offset from the pixel's
// window origin, precomputed. The padding test is done for every pixel, branch-free: skipping it
// behind a uniform `if (padded)` measured 1.48x SLOWER on SwiftShader (conv2, same run, median
// of 7), whose branches cost both paths.
#include "include/conv-chunk-walk.wgsl"
#include "include/blocks.wgsl"
#include "include/conv-store-partial8.wgsl"
#include "include/block8.wgsl"
#storage(1) read x: f32, read dy: vec4<f32>, read_write partial: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let lanes = lanes8(k0, c0);
  let C4 = p.outC / 4u;
  let iC = vec4<u32>(p.inC);
  let kW = vec4<u32>(p.kW);
  // Row k = (kh, kw, ic): offset from the window origin (ih0, iw0), and the tap (dh, dw).
  let dhA = vec4<i32>((lanes.rowsA / iC) / kW) - i32(p.padTop);
  let dhB = vec4<i32>((lanes.rowsB / iC) / kW) - i32(p.padTop);
  let dwA = vec4<i32>((lanes.rowsA / iC) % kW) - i32(p.padLeft);
  let dwB = vec4<i32>((lanes.rowsB / iC) % kW) - i32(p.padLeft);
  let inC = i32(p.inC);
  let offA = (dhA * i32(p.inW) + dwA) * inC + vec4<i32>(lanes.rowsA % iC);
  let offB = (dhB * i32(p.inW) + dwB) * inC + vec4<i32>(lanes.rowsB % iC);
  let inH = vec4<i32>(i32(p.inH));
  let inW = vec4<i32>(i32(p.inW));
  let zero = vec4<i32>(0);
  let range = reductionRange(chunk);
  var at = outputPixel(range.x); // (ow, oh, n), walked incrementally
  var acc: Block8;
  for (var q = range.x; q < range.y; q++) {
    let ih0 = i32(at.y * p.strideH);
    let iw0 = i32(at.x * p.strideW);
    let xb = ((i32(at.z * p.inH) + ih0) * i32(p.inW) + iw0) * inC;
    let hA = dhA + ih0; let hB = dhB + ih0;
    let wA = dwA + iw0; let wB = dwB + iw0;
    let vA = (hA >= zero) & (hA < inH) & (wA >= zero) & (wA < inW);
    let vB = (hB >= zero) & (hB < inH) & (wB >= zero) & (wB < inW);
    let oA = vec4<u32>(select(zero, xb + offA, vA));
    let oB = vec4<u32>(select(zero, xb + offB, vB));
    let xA = select(vec4<f32>(0.0), vec4<f32>(x[oA.x], x[oA.y], x[oA.z], x[oA.w]), vA);
    let xB = select(vec4<f32>(0.0), vec4<f32>(x[oB.x], x[oB.y], x[oB.z], x[oB.w]), vB);
    mac8(&acc, xA, xB, dy[q * C4 + lanes.ca], dy[q * C4 + lanes.cb]);
    at = nextPixel(at);
  }
  storeBlock8(acc, k0, c0, chunk);
}
