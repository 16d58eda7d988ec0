// copy_index_map: the gather by index map behind transpose, slice, pad, tile and broadcastTo (rank <= 8).
// For output coordinate c_d the input coordinate is start_d + c_d * step_d, taken modulo inDim_d when bit d
// of wrapMask is set; if it falls outside [0, inDim_d) the output is padValue (raw bits). Raw 32-bit words,
// so every dtype is served.
#include "include/elements.wgsl"
struct Params {
  n: u32, rank: u32, padValue: u32, wrapMask: u32,
  outShape: array<vec4<u32>, 2>,
  start: array<vec4<i32>, 2>,
  step: array<vec4<i32>, 2>,
  inDim: array<vec4<u32>, 2>,
  inStride: array<vec4<u32>, 2>,
}
#storage(1) read x: u32, read_write out: u32
fn element(i: u32) {
  var rest = i;
  var src = 0u;
  var inside = true;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let q = u32(d) / 4u;
    let r = u32(d) % 4u;
    let size = p.outShape[q][r];
    let c = i32(rest % size);
    rest = rest / size;
    let dim = i32(p.inDim[q][r]);
    var at = p.start[q][r] + c * p.step[q][r];
    if (((p.wrapMask >> u32(d)) & 1u) == 1u) { at = ((at % dim) + dim) % dim; }
    if (at < 0 || at >= dim) { inside = false; }
    else { src += u32(at) * p.inStride[q][r]; }
  }
  if (inside) { out[i] = x[src]; } else { out[i] = p.padValue; }
}
