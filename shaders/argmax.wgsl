// argmax: index of the first maximum of each row of x [rows, cols] (int32); a first NaN wins.
#include "include/row-argmax.wgsl"
struct Params { rows: u32, cols: u32, }
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
fn row(r: u32, base: u32) { out[r] = i32(rowArgmax(base)); }
