// The bindings of both max-pool backward kernels (dy and the forward's argmax in, dx out), on
// the pooling parameter block; one invocation per element (n of them).
#include "include/elements.wgsl"
#include "include/pool.wgsl"
#storage(1) read dy: f32, read argmax: i32, read_write dx: f32
