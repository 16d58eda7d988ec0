// Row kernels over x [rows, cols], one invocation per row: the kernel declares `struct Params`
// with rows and cols (and any uniforms of its own), its other buffers from binding 2 and
// `fn row(r: u32, base: u32)` (base = r * cols), called for r < rows only. The row statistics
// are include/row-stats.wgsl and include/row-argmax.wgsl.
#storage(1) read x: f32
#include "include/thread.wgsl"
fn invocation(r: u32) {
  if (r < p.rows) { row(r, r * p.cols); }
}
