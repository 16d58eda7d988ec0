// clip_by_global_norm (Keras's global_clipnorm), in place over the flat gradient buffer:
// grad *= clipNorm / norm where norm = sqrt(normSquared[0]) > clipNorm. normSquared is the sum
// of squares computed on the device just before, so the host never reads the norm.
#include "include/elements.wgsl"
struct Params { n: u32, clipNorm: f32, }
@group(0) @binding(1) var<storage, read_write> grad: array<f32>;
@group(0) @binding(2) var<storage, read> normSquared: array<f32>;
fn element(i: u32) {
  let norm = sqrt(normSquared[0]);
  if (norm > p.clipNorm) {
    grad[i] = grad[i] * (p.clipNorm / norm);
  }
}
