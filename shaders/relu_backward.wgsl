// reluBackward: dx = dy where y > 0, else 0.
#include "include/elements.wgsl"
struct Params { n: u32, }
#storage(1) read dy: f32, read y: f32, read_write dx: f32
fn element(i: u32) {
  dx[i] = select(0.0, dy[i], y[i] > 0.0);
}
