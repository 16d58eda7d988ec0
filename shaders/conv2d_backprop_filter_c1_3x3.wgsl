// conv2dBackpropFilter for one input channel and a 3x3 filter, outC % 4 == 0 (the CNN's conv1):
// dW[9 taps, outC] = patches(X)ᵀ · dY over a chunk of the output pixels, each invocation computing
// all 9 taps x 8 channels (two vec4) in registers. The _vec4 kernel's 8-row blocks cover K = 9
// with two blocks, the second holding one real row: 16 x gathers and 4 dy loads per pixel for
// 72 useful multiply-adds, against 9 x gathers and 2 dy loads here. The window's row and column
// tests are done once each (3 + 3), not per tap.
#include "include/conv-chunk-walk.wgsl"
#include "include/blocks.wgsl"
#include "include/conv-store-partial8.wgsl"
#storage(1) read x: f32, read dy: vec4<f32>, read_write partial: vec4<f32>
const BLOCK_ROWS: u32 = 9u;
const BLOCK_COLS: u32 = 8u;
fn outputExtent() -> vec2<u32> { return vec2<u32>(9u, p.outC); }
// x[i] where valid, else 0 (the index is clamped to 0 first, so it is in bounds).
fn tap(i: i32, valid: bool) -> f32 { return select(0.0, x[u32(select(0, i, valid))], valid); }
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let C4 = p.outC / 4u;
  let ca = c0 / 4u;
  let cb = min(ca + 1u, C4 - 1u);
  let inH = i32(p.inH);
  let inW = i32(p.inW);
  let range = reductionRange(chunk);
  var at = outputPixel(range.x); // (ow, oh, n), walked incrementally
  var a0 = vec4<f32>(0.0); var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0; var a8 = a0;
  var b0 = a0; var b1 = a0; var b2 = a0; var b3 = a0; var b4 = a0; var b5 = a0; var b6 = a0; var b7 = a0; var b8 = a0;
  for (var q = range.x; q < range.y; q++) {
    let ih = i32(at.y * p.strideH) - i32(p.padTop);
    let iw = i32(at.x * p.strideW) - i32(p.padLeft);
    let base = (i32(at.z) * inH + ih) * inW + iw; // x[n, ih, iw]; may be negative when padded
    let r0 = (ih >= 0) & (ih < inH);
    let r1 = (ih + 1 >= 0) & (ih + 1 < inH);
    let r2 = (ih + 2 >= 0) & (ih + 2 < inH);
    let c0v = (iw >= 0) & (iw < inW);
    let c1v = (iw + 1 >= 0) & (iw + 1 < inW);
    let c2v = (iw + 2 >= 0) & (iw + 2 < inW);
    let x0 = tap(base, r0 & c0v);
    let x1 = tap(base + 1, r0 & c1v);
    let x2 = tap(base + 2, r0 & c2v);
    let x3 = tap(base + inW, r1 & c0v);
    let x4 = tap(base + inW + 1, r1 & c1v);
    let x5 = tap(base + inW + 2, r1 & c2v);
    let x6 = tap(base + 2 * inW, r2 & c0v);
    let x7 = tap(base + 2 * inW + 1, r2 & c1v);
    let x8 = tap(base + 2 * inW + 2, r2 & c2v);
    let da = dy[q * C4 + ca];
    let db = dy[q * C4 + cb];
    // fma, as in include/block8-acc.wgsl (same bits on both software drivers, fewer instructions on SwiftShader).
    a0 = fma(vec4<f32>(x0), da, a0); b0 = fma(vec4<f32>(x0), db, b0);
    a1 = fma(vec4<f32>(x1), da, a1); b1 = fma(vec4<f32>(x1), db, b1);
    a2 = fma(vec4<f32>(x2), da, a2); b2 = fma(vec4<f32>(x2), db, b2);
    a3 = fma(vec4<f32>(x3), da, a3); b3 = fma(vec4<f32>(x3), db, b3);
    a4 = fma(vec4<f32>(x4), da, a4); b4 = fma(vec4<f32>(x4), db, b4);
    a5 = fma(vec4<f32>(x5), da, a5); b5 = fma(vec4<f32>(x5), db, b5);
    a6 = fma(vec4<f32>(x6), da, a6); b6 = fma(vec4<f32>(x6), db, b6);
    a7 = fma(vec4<f32>(x7), da, a7); b7 = fma(vec4<f32>(x7), db, b7);
    a8 = fma(vec4<f32>(x8), da, a8); b8 = fma(vec4<f32>(x8), db, b8);
    at = nextPixel(at);
  }
  storeRow(0u, c0, chunk, a0, b0);
  storeRow(1u, c0, chunk, a1, b1);
  storeRow(2u, c0, chunk, a2, b2);
  storeRow(3u, c0, chunk, a3, b3);
  storeRow(4u, c0, chunk, a4, b4);
  storeRow(5u, c0, chunk, a5, b5);
  storeRow(6u, c0, chunk, a6, b6);
  storeRow(7u, c0, chunk, a7, b7);
  storeRow(8u, c0, chunk, a8, b8);
}
