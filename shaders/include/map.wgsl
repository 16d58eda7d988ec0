// Element-wise maps y[i] = map(x[i]) over n elements: the kernel declares `struct Params` with
// `n` first and `fn map(v: f32) -> f32`.
#storage(1) read x: f32, read_write y: f32
#include "include/elements.wgsl"
fn element(i: u32) { y[i] = map(x[i]); }
