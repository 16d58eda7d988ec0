// argmax: index of the first maximum of each row of x [rows, cols] (int32); a first NaN wins.
#include "include/row-argmax.wgsl"
struct Params { rows: u32, cols: u32, }
#storage(2) read_write out: i32
fn row(r: u32, base: u32) { out[r] = i32(rowArgmax(base)); }
