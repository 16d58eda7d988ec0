/**
 * The WebGPU buffer pool's statistics: the high-water marks on a hand-made sequence of
 * acquires and releases (a fake device, every figure worked out by hand), and a training loop
 * whose pool, once warm, neither grows nor creates buffers (WebGPU on this process's adapter,
 * and the CPU backend's peak beside it).
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { BufferPool, sizeClass, type BufferMaker } from '../engine/backends/webgpu/buffer-pool.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { nodeGPU } from '../node/webgpu.js';
import { engineTrainer, syntheticBatch } from '../bench/workloads.js';

interface FakeBuffer {
  size: number;
  destroyed: boolean;
  destroy(): void;
}

function fakeDevice(): BufferMaker & { made: FakeBuffer[] } {
  const made: FakeBuffer[] = [];
  return {
    made,
    createBuffer: (d: GPUBufferDescriptor) => {
      const b: FakeBuffer = { size: d.size, destroyed: false, destroy: () => void (b.destroyed = true) };
      made.push(b);
      return b as unknown as GPUBuffer;
    },
  };
}

describe('buffer pool statistics', () => {
  it('size classes round up by at most a quarter', () => {
    expect([1, 256, 257, 1000, 3000, 4096, 5000].map(sizeClass)).toEqual([256, 256, 512, 1024, 3072, 4096, 5120]);
  });

  it('tracks live, allocated and high-water bytes through a hand-made sequence', () => {
    const dev = fakeDevice();
    const pool = new BufferPool(dev, 1 << 20);
    const a = pool.acquire(1000, false, 'a'); // class 1024
    const b = pool.acquire(3000, false, 'b'); // class 3072
    expect(pool.stats()).toEqual({
      tensorBytes: 4000, usedBytes: 4096, allocatedBytes: 4096,
      peakTensorBytes: 4000, peakUsedBytes: 4096, peakAllocatedBytes: 4096, buffers: 2, created: 2,
    });
    pool.release(a);
    // Released in this encoder: reused by a dispatch (same class), so nothing new is allocated.
    const c = pool.acquire(900, false, 'c');
    expect(c).toBe(a);
    expect(pool.stats()).toMatchObject({ tensorBytes: 3900, usedBytes: 4096, allocatedBytes: 4096, peakTensorBytes: 4000, created: 2 });
    pool.release(c);
    // An upload may not take a buffer released since the last submit: a new one, and the peak rises.
    const d = pool.acquire(1000, true, 'd');
    expect(d).not.toBe(a);
    expect(pool.stats()).toMatchObject({ tensorBytes: 4000, usedBytes: 4096, allocatedBytes: 5120, peakAllocatedBytes: 5120, buffers: 3, created: 3 });
    pool.settle();
    pool.release(b);
    pool.release(d);
    pool.release(d); // twice: ignored
    const e = pool.acquire(2600, false, 'e'); // class 3072: b, released in this encoder
    expect(e).toBe(b);
    expect(pool.stats()).toMatchObject({ tensorBytes: 2600, usedBytes: 3072, allocatedBytes: 5120, peakTensorBytes: 4000, peakUsedBytes: 4096, peakAllocatedBytes: 5120 });
    pool.resetPeak();
    expect(pool.stats()).toMatchObject({ peakTensorBytes: 2600, peakUsedBytes: 3072, peakAllocatedBytes: 5120 });
    // trim destroys the free buffers (a and d); the high-water mark never goes down.
    pool.trim();
    expect(dev.made.map((m) => m.destroyed)).toEqual([true, false, true]);
    expect(pool.stats()).toEqual({
      tensorBytes: 2600, usedBytes: 3072, allocatedBytes: 3072,
      peakTensorBytes: 2600, peakUsedBytes: 3072, peakAllocatedBytes: 5120, buffers: 1, created: 3,
    });
    pool.acquire(4000, false, 'f'); // class 4096, new
    expect(pool.stats()).toMatchObject({ tensorBytes: 6600, peakTensorBytes: 6600, allocatedBytes: 7168, peakAllocatedBytes: 7168 });
    expect(pool.memory()).toEqual({ usedBytes: 7168, allocatedBytes: 7168, peakUsedBytes: 7168, peakAllocatedBytes: 7168 });
  });

  it('names the request and the limit when a buffer would exceed maxBufferSize', () => {
    const pool = new BufferPool(fakeDevice(), 4096);
    expect(() => pool.acquire(5000, false, 'conv2d output')).toThrow(/conv2d output needs 5000 bytes, more than this device's maxBufferSize \(4096\)/);
  });
});

describe('memory over a training loop', () => {
  it('WebGPU: after two steps the pool neither grows nor creates buffers, and one step peaks the same each time', async () => {
    const gpu = await WebGPUBackend.create(nodeGPU(), { precompile: false });
    const tr = engineTrainer(gpu, syntheticBatch(2));
    await tr.step();
    await tr.step();
    const warm = gpu.memoryStats();
    const peaks: number[] = [];
    for (let i = 0; i < 6; i++) {
      gpu.resetPeakMemory();
      if (i % 3 === 2) await tr.step();
      else tr.stepNoWait();
      peaks.push(gpu.memoryStats().peakAllocatedBytes);
    }
    await gpu.sync();
    const after = gpu.memoryStats();
    expect(after, `warm ${JSON.stringify(warm)}`).toEqual(warm);
    expect(new Set(peaks).size, `per-step peaks ${peaks}`).toBe(1);
    // Between steps only the model, Adam's slots and the batch are live.
    expect(after.tensorBytes).toBeLessThan(after.peakTensorBytes);
    tr.dispose();
    tr.model.dispose();
    // The model, Adam's slots and the batch were the last live tensors.
    expect(gpu.memoryStats().tensorBytes).toBe(0);
  });

  it('CPU: peakUsedBytes is the high-water mark of live bytes and stays put once warm', async () => {
    const cpu = new CpuBackend('float32');
    const t = cpu.upload(new Float32Array(10), [10], 'float32');
    const u = cpu.upload(new Float32Array(20), [20], 'float32');
    cpu.release(t.storage);
    expect(cpu.memory()).toMatchObject({ usedBytes: 80, peakUsedBytes: 120 });
    cpu.resetPeakMemory();
    expect(cpu.memory().peakUsedBytes).toBe(80);
    cpu.release(u.storage);
    const tr = engineTrainer(cpu, syntheticBatch(4));
    await tr.step();
    await tr.step();
    // (allocatedBytes includes the wasm heap's free blocks, which other work on this thread moves.)
    const live = () => ({ usedBytes: cpu.memory().usedBytes, peakUsedBytes: cpu.memory().peakUsedBytes });
    const warm = live();
    for (let i = 0; i < 5; i++) await tr.step();
    expect(live()).toEqual(warm);
    tr.dispose();
    tr.model.dispose();
  });
});
