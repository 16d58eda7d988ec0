// conv2d_c1_3x3 with a loop over the 3 filter rows: the same taps in the same order (the same
// bits), compiled in about half the time and run about 1.3x slower, so a first step runs it
// while conv2d_c1_3x3 compiles in the background (kernels/conv2d.ts says why).
#include "include/conv2d-c1-3x3.wgsl"
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = windows4(lanes.rowsA);
  let b = windows4(lanes.rowsB);
  var acc: Block8;
  for (var kh = 0u; kh < 3u; kh++) { filterRow(&acc, a, b, kh, lanes.ca, lanes.cb); }
  finishBlock(acc, m0, c0, layer, lanes.ca, lanes.cb);
}
