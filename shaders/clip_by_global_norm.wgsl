// clip_by_global_norm (Keras's global_clipnorm), in place over the flat gradient buffer:
// grad *= clipNorm / norm where norm = sqrt(normSquared[0]) > clipNorm. normSquared is the sum
// of squares computed on the device just before, so the host never reads the norm.
#include "include/elements.wgsl"
struct Params { n: u32, clipNorm: f32, }
#storage(1) read_write grad: f32, read normSquared: f32
fn element(i: u32) {
  let norm = sqrt(normSquared[0]);
  if (norm > p.clipNorm) {
    grad[i] = grad[i] * (p.clipNorm / norm);
  }
}
