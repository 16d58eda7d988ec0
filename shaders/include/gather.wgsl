// The geometry of gather and its backward (gather.wgsl, gather_backward.wgsl): the gathered
// array viewed as [outer, rows, inner] and the output as [outer, count, inner], one index per
// output row j (indices[j]); n is the number of invocations.
#include "include/elements.wgsl"
struct Params { n: u32, count: u32, rows: u32, inner: u32, }
