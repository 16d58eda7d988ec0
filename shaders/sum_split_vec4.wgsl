// sum_split.wgsl, four neighbouring outputs per invocation, read as vec4: the launch takes it
// (kernels/reduce.ts) for one kept run of stride 1 whose size is a multiple of 4 and one reduced
// run whose stride is a multiple of 4 (the bias gradients: [pixels, channels] summed over the
// pixels). Thread t sums chunk t / (outSize/4) of outputs 4*(t % (outSize/4)) .. +3 into out[t];
// each output's elements are added in the same order as in sum_split.wgsl.
#include "include/thread.wgsl"
#include "include/sum-params.wgsl"
#storage(1) read x: vec4<f32>, read_write out: vec4<f32>
fn invocation(t: u32) {
  let quads = p.outSize / 4u;
  if (t >= quads * p.chunks) { return; }
  let c = t / quads;
  let o4 = t % quads;
  let st4 = p.redStrides[0] / 4u;
  let start = c * p.chunkLen;
  let end = min(start + p.chunkLen, p.redSize);
  var acc = vec4<f32>(0.0);
  for (var r = start; r < end; r++) { acc += x[o4 + r * st4]; }
  out[t] = acc;
}
