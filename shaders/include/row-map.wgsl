// Row kernels that write each row of x [rows, cols] to the same row of y (softmax.wgsl,
// log_softmax.wgsl), from the row statistics of include/row-stats.wgsl; Params is just the shape.
#include "include/row-stats.wgsl"
struct Params { rows: u32, cols: u32, }
#storage(2) read_write y: f32
