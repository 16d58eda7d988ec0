// Entry point of the kernels with one invocation per element of an n-element output: the
// kernel declares `struct Params` with `n` first and `fn element(i: u32)`, called for i < n only.
#include "include/thread.wgsl"
fn invocation(i: u32) {
  if (i < p.n) { element(i); }
}
