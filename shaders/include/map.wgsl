// Element-wise maps y[i] = map(x[i]) over n elements: the kernel declares `struct Params` with
// `n` first and `fn map(v: f32) -> f32`.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
#include "include/elements.wgsl"
fn element(i: u32) { y[i] = map(x[i]); }
