// The window arithmetic of the pooling kernels that walk windows (not the scatter backward),
// along one axis (rows: strideH, padTop, poolH, inH, outH; columns: the W fields) and per pixel.
#include "include/pool.wgsl"
// Flat index of row `row`, column `col` of pixel q's batch and channel, in an NHWC array of height h, width w.
fn nhwcAt(q: Pixel, row: i32, col: i32, h: u32, w: u32) -> u32 {
  return ((q.b * h + u32(row)) * w + u32(col)) * p.channels + q.c;
}
// A span of window taps or of windows: rows [rows.x, rows.y), columns [cols.x, cols.y).
struct Span2 { rows: vec2<i32>, cols: vec2<i32>, }
// The taps [first, end) of window o that lie inside the input (padded taps are skipped):
// window o covers o*stride - pad .. o*stride - pad + k - 1.
fn windowTaps(o: i32, stride: u32, pad: u32, k: u32, size: u32) -> vec2<i32> {
  let first = o * i32(stride) - i32(pad);
  return vec2<i32>(max(first, 0), min(first + i32(k), i32(size)));
}
// The windows [first, end) that contain input position `at`: o*stride - pad <= at < o*stride - pad + k.
fn windowsOver(at: i32, stride: u32, pad: u32, k: u32, windows: u32) -> vec2<i32> {
  let s = i32(stride);
  let lo = at + i32(pad) - i32(k) + 1;
  return vec2<i32>(select((lo + s - 1) / s, 0, lo <= 0), min((at + i32(pad)) / s + 1, i32(windows)));
}
// The taps of output pixel o's window that lie inside the input.
fn windowOf(o: Pixel) -> Span2 {
  return Span2(windowTaps(i32(o.h), p.strideH, p.padTop, p.poolH, p.inH), windowTaps(i32(o.w), p.strideW, p.padLeft, p.poolW, p.inW));
}
// The output windows that contain input pixel q.
fn windowsOverPixel(q: Pixel) -> Span2 {
  return Span2(windowsOver(i32(q.h), p.strideH, p.padTop, p.poolH, p.outH), windowsOver(i32(q.w), p.strideW, p.padLeft, p.poolW, p.outW));
}
