// The bindings of both max-pool backward kernels (dy and the forward's argmax in, dx out), on
// the pooling parameter block; one invocation per element (n of them).
#include "include/elements.wgsl"
#include "include/pool.wgsl"
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<i32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
