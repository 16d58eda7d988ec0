/**
 * The bind-group cache (engine/backends/webgpu/bind-group-cache.ts): one group per (layout, exact
 * buffer ranges), reused; bounded by its capacity; and a buffer the pool destroys takes its groups
 * with it. Then on this process's WebGPU adapter: once training is warm (six steps), every
 * dispatch of the next steps reuses a cached group and no read creates a staging buffer.
 */
import { describe, expect, it } from 'vitest';
import { BindGroupCache, type BindGroupMaker, type BufferBinding } from '../engine/backends/webgpu/bind-group-cache.js';
import { BufferPool, type BufferMaker } from '../engine/backends/webgpu/buffer-pool.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { nodeGPU } from '../node/webgpu.js';
import { engineTrainer, syntheticBatch } from '../bench/workloads.js';

interface FakeBuffer {
  label: string;
  size: number;
  destroyed: boolean;
  destroy(): void;
}

function fakeDevice(): BindGroupMaker & BufferMaker & { groups: GPUBindGroupDescriptor[] } {
  const groups: GPUBindGroupDescriptor[] = [];
  return {
    groups,
    createBindGroup: (d: GPUBindGroupDescriptor) => {
      groups.push(d);
      return { label: d.label, descriptor: d } as unknown as GPUBindGroup;
    },
    createBuffer: (d: GPUBufferDescriptor) => {
      const b: FakeBuffer = { label: d.label ?? '', size: d.size, destroyed: false, destroy: () => void (b.destroyed = true) };
      return b as unknown as GPUBuffer;
    },
  };
}

const layoutA = { label: 'layout A' } as unknown as GPUBindGroupLayout;
const layoutB = { label: 'layout B' } as unknown as GPUBindGroupLayout;
const buf = (label: string) => ({ label, size: 4096 }) as unknown as GPUBuffer;
const bind = (...ranges: [GPUBuffer, number, number][]): BufferBinding[] =>
  ranges.map(([buffer, offset, size], binding) => ({ binding, buffer, offset, size }));

describe('bind-group cache', () => {
  it('makes one group per layout and exact buffer ranges, and hands it back on a repeat', () => {
    const dev = fakeDevice();
    const cache = new BindGroupCache(dev);
    const [x, y] = [buf('x'), buf('y')];
    const g = cache.get(layoutA, bind([x, 0, 1024], [y, 0, 64]), 'bind a');
    expect(cache.get(layoutA, bind([x, 0, 1024], [y, 0, 64]), 'bind a')).toBe(g);
    // Any difference in layout, buffer, offset, size or binding order is a different group.
    const others = [
      cache.get(layoutB, bind([x, 0, 1024], [y, 0, 64]), 'b'),
      cache.get(layoutA, bind([y, 0, 1024], [y, 0, 64]), 'c'),
      cache.get(layoutA, bind([x, 256, 768], [y, 0, 64]), 'd'),
      cache.get(layoutA, bind([x, 0, 512], [y, 0, 64]), 'e'),
      cache.get(layoutA, bind([y, 0, 64], [x, 0, 1024]), 'f'),
    ];
    expect(new Set([g, ...others]).size).toBe(6);
    expect(cache.stats()).toEqual({ size: 6, hits: 1, created: 6, evicted: 0, forgotten: 0 });
    // The group binds exactly what was asked.
    expect(dev.groups[0]).toEqual({
      label: 'bind a', layout: layoutA,
      entries: [{ binding: 0, resource: { buffer: x, offset: 0, size: 1024 } }, { binding: 1, resource: { buffer: y, offset: 0, size: 64 } }],
    });
  });

  it('holds at most its capacity, dropping the least recently used', () => {
    const cache = new BindGroupCache(fakeDevice(), 3);
    const bs = ['a', 'b', 'c', 'd'].map(buf);
    const g = bs.slice(0, 3).map((b) => cache.get(layoutA, bind([b, 0, 4]), 'g'));
    cache.get(layoutA, bind([bs[0], 0, 4]), 'g'); // a is now the most recent: b is the oldest
    cache.get(layoutA, bind([bs[3], 0, 4]), 'g');
    expect(cache.stats()).toMatchObject({ size: 3, evicted: 1, created: 4 });
    expect(cache.holds(bs[1])).toBe(false);
    expect(cache.get(layoutA, bind([bs[0], 0, 4]), 'g')).toBe(g[0]);
    expect(cache.get(layoutA, bind([bs[1], 0, 4]), 'g')).not.toBe(g[1]); // made again
    expect(cache.stats()).toMatchObject({ size: 3, created: 5, evicted: 2 });
    expect(() => new BindGroupCache(fakeDevice(), 0)).toThrow(/capacity must be a positive integer, got 0/);
  });

  it('keeps no group of a buffer the pool destroys, and keeps the groups of live buffers', () => {
    const dev = fakeDevice();
    const cache = new BindGroupCache(dev);
    const pool = new BufferPool(dev, 1 << 20, (b) => cache.forgetBuffer(b));
    const live = pool.acquire(1000, false, 'live');
    const freed = pool.acquire(1000, false, 'freed');
    const both = cache.get(layoutA, bind([live, 0, 1000], [freed, 0, 1000]), 'both');
    const onlyLive = cache.get(layoutA, bind([live, 0, 1000]), 'live');
    cache.get(layoutB, bind([freed, 0, 512]), 'freed');
    pool.release(freed);
    // Handed to another tensor, a pool buffer is the same memory: its groups still serve.
    const again = pool.acquire(900, false, 'again');
    expect(again).toBe(freed);
    expect(cache.get(layoutA, bind([live, 0, 1000], [again, 0, 1000]), 'both')).toBe(both);
    pool.release(again);
    pool.trim();
    expect((freed as unknown as FakeBuffer).destroyed).toBe(true);
    expect(cache.holds(freed)).toBe(false);
    expect(cache.stats()).toMatchObject({ size: 1, forgotten: 2 });
    expect(cache.get(layoutA, bind([live, 0, 1000]), 'live')).toBe(onlyLive);
    expect(cache.holds(live)).toBe(true);
  });
});

describe('native objects over a training loop (WebGPU)', () => {
  it('once warm, every dispatch reuses a cached bind group and reads create no staging buffer; trim forgets the groups', async () => {
    const gpu = await WebGPUBackend.create(nodeGPU(), { precompile: false });
    const tr = engineTrainer(gpu, syntheticBatch(2));
    // The pool takes a few steps to settle (on SwiftShader the 2nd and 3rd steps made 9 and 6 new
    // groups, the 4th none); after that a step binds the same ranges as the step before. Warm also
    // means the programs that compile in the background (Gpu.ready: the 16 x 16 convs, conv1's
    // written-out forward pass) have finished and a step has run them, so no later step switches.
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) losses.push(await tr.step());
    await gpu.warmed();
    losses.push(await tr.step());
    const warm = gpu.reuseStats();
    const dispatches = gpu.dispatchCount;
    for (let i = 0; i < 3; i++) losses.push(await tr.step());
    const after = gpu.reuseStats();
    expect(gpu.dispatchCount - dispatches).toBeGreaterThan(30);
    expect(after.bindGroups.created, `warm ${JSON.stringify(warm)}, after ${JSON.stringify(after)}`).toBe(warm.bindGroups.created);
    expect(after.bindGroups.hits - warm.bindGroups.hits).toBe(gpu.dispatchCount - dispatches);
    expect(after.staging.created).toBe(warm.staging.created);
    expect(after.staging.reused - warm.staging.reused).toBe(3);
    // trim destroys the free pool buffers; the groups binding them go, and training goes on with no GPU error.
    gpu.trim();
    const trimmed = gpu.reuseStats();
    expect(trimmed.bindGroups.forgotten).toBeGreaterThan(0);
    expect(trimmed.bindGroups.size).toBeLessThan(after.bindGroups.size);
    expect(trimmed.staging.kept).toBe(0);
    losses.push(await tr.step());
    await gpu.sync();
    expect(losses.every(Number.isFinite), `losses ${losses}`).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    tr.dispose();
    tr.model.dispose();
  }, 120_000);
});
