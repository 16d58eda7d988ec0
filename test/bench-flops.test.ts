/**
 * The operation counts of bench/flops.ts, through bench/cnn-kernels.ts's cases for the tutorial
 * CNN, against values computed by hand. Conventions (flops.ts): a multiply-add is 2 FLOPs; bytes
 * are every input read once and every output written once, 4 bytes per element.
 */
import { describe, expect, it } from 'vitest';
import { cnnKernelCases, cnnShapes } from '../bench/cnn-kernels.js';
import { throughput } from '../bench/flops.js';

const byName = (batch: number) => new Map(cnnKernelCases(batch).map((c) => [c.name, c]));

describe('FLOP and byte counts for the tutorial CNN', () => {
  it('shapes: 28 -> conv 26 -> pool 13 -> conv 11 -> pool 5 -> conv 3; 576 features; Adam over the padded flat buffer', () => {
    const s = cnnShapes(32);
    expect([s.conv1.outH, s.pool1.outH, s.conv2.outH, s.pool2.outH, s.conv3.outH]).toEqual([26, 13, 11, 5, 3]);
    expect(s.flat).toBe(576);
    // Each parameter padded to 64 elements: 288->320, 32->64, 18432, 64, 36864, 64, 73728, 128, 1280, 10->64
    // = 320+64+18432+64+36864+64+73728+128+1280+64 = 131008
    expect(s.adamLength).toBe(131008);
  });

  it('batch 32', () => {
    const c = byName(32);
    // conv1: M = 32*26*26 = 21632 pixels, K = 3*3*1 = 9, N = 32.
    // 2*M*K*N = 2*21632*9*32 = 12,460,032; + bias M*N = 692,224; + ReLU M*N = 692,224 -> 13,844,480.
    // bytes: x 32*784 = 25,088 + w 288 + bias 32 + y 692,224 = 717,632 elements * 4 = 2,870,528.
    expect(c.get('conv1 fwd conv+bias+relu')!.count).toEqual({ flops: 12_460_032 + 2 * 692_224, bytes: 2_870_528 });
    // conv2 filter gradient: M = 32*11*11 = 3872, K = 3*3*32 = 288, N = 64: 2*3872*288*64 = 142,737,408.
    // bytes: x 32*13*13*32 = 173,056 + dy 3872*64 = 247,808 + dw 18,432 = 439,296 * 4 = 1,757,184.
    expect(c.get('conv2 bwd filter')!.count).toEqual({ flops: 142_737_408, bytes: 1_757_184 });
    // conv2 input gradient: same multiply-adds, 142,737,408.
    expect(c.get('conv2 bwd input')!.count.flops).toBe(142_737_408);
    // conv3: M = 32*3*3 = 288, K = 3*3*64 = 576, N = 64: 2*288*576*64 = 21,233,664.
    expect(c.get('conv3 bwd filter')!.count.flops).toBe(21_233_664);
    // pool1: in 32*26*26*32 = 692,224, out 32*13*13*32 = 173,056; 3 comparisons per output = 519,168;
    // bytes (692,224 + 2*173,056 for y and argmax) * 4 = 4,153,344.
    expect(c.get('pool1 fwd maxpool')!.count).toEqual({ flops: 519_168, bytes: 4_153_344 });
    // pool1 backward: 173,056 adds; reads dy and argmax (2*173,056), writes dx 692,224 -> 4,153,344 bytes.
    expect(c.get('pool1 bwd maxpool')!.count).toEqual({ flops: 173_056, bytes: 4_153_344 });
    // conv1's ReLU mask runs at pool1's output size (engine/ops/relu.ts): 173,056 elements, dy and y
    // read, dx written -> 3 * 173,056 * 4 = 2,076,672 bytes. conv3's, with no pool after it, at
    // its own output 32*3*3*64 = 18,432.
    expect(c.get('conv1 bwd relu')!.count).toEqual({ flops: 173_056, bytes: 2_076_672 });
    expect(c.get('conv3 bwd relu')!.count.flops).toBe(18_432);
    // dense1: [32,576]·[576,128]: 2*32*128*576 = 4,718,592; bytes (18,432 + 73,728 + 4,096) * 4 = 385,024.
    expect(c.get('dense1 fwd matmul')!.count).toEqual({ flops: 4_718_592, bytes: 385_024 });
    // dense1 weight gradient [576,32]·[32,128]: the same 4,718,592 FLOPs.
    expect(c.get('dense1 bwd weights')!.count.flops).toBe(4_718_592);
    // loss: 5*32*10 + 2*32 = 1,664 ops.
    expect(c.get('loss fwd softmax xent')!.count.flops).toBe(1_664);
    // Adam: 12 ops and 7 accesses of 4 bytes per element: 12*131008 = 1,572,096; 28*131008 = 3,668,224.
    expect(c.get('adam update')!.count).toEqual({ flops: 1_572_096, bytes: 3_668_224 });
  });

  it('batch 1 and batch 256', () => {
    // conv1 at batch 1: 2*676*9*32 = 389,376 (+ 2*676*32 = 43,264 bias and ReLU).
    expect(byName(1).get('conv1 fwd conv+bias+relu')!.count.flops).toBe(389_376 + 43_264);
    // conv2 input gradient at batch 256: M = 256*121 = 30,976; 2*30,976*288*64 = 1,141,899,264;
    // bytes: dy 30,976*64 = 1,982,464 + w 18,432 + dx 256*13*13*32 = 1,384,448 -> 3,385,344 * 4 = 13,541,376.
    expect(byName(256).get('conv2 bwd input')!.count).toEqual({ flops: 1_141_899_264, bytes: 13_541_376 });
  });

  it('covers every kernel a training step issues (besides copies and fills) and converts to GFLOP/s', () => {
    const kernels = new Set(cnnKernelCases(4).map((c) => c.kernel));
    for (const k of ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'reluBackward', 'maxPool2d', 'maxPool2dBackward',
      'matmul', 'binary', 'unary', 'sum', 'softmaxCrossEntropy', 'softmaxCrossEntropyBackward', 'adam']) {
      expect(kernels.has(k as never), k).toBe(true);
    }
    expect(new Set(cnnKernelCases(4).map((c) => c.name)).size).toBe(cnnKernelCases(4).length);
    // 2e9 FLOPs and 1e9 bytes in 1000 ms: 2 GFLOP/s, 1 GB/s.
    expect(throughput({ flops: 2e9, bytes: 1e9 }, 1000)).toEqual({ gflops: 2, gbps: 1 });
  });
});
