/**
 * The read staging pool (engine/backends/webgpu/staging-buffers.ts), on a fake device: a released
 * buffer serves the next read of its size class, the pool keeps at most its bounds, and buffers it
 * did not make are destroyed on release.
 */
import { describe, expect, it } from 'vitest';
import { StagingBuffers, type StagingMaker } from '../engine/backends/webgpu/staging-buffers.js';

interface FakeBuffer {
  size: number;
  usage: number;
  destroyed: boolean;
  destroy(): void;
}

function fakeDevice(): StagingMaker & { made: FakeBuffer[] } {
  const made: FakeBuffer[] = [];
  return {
    made,
    createBuffer: (d: GPUBufferDescriptor) => {
      const b: FakeBuffer = { size: d.size, usage: d.usage, destroyed: false, destroy: () => void (b.destroyed = true) };
      made.push(b);
      return b as unknown as GPUBuffer;
    },
  };
}

describe('staging buffers', () => {
  it('reuses a released buffer for the next read of its size class', () => {
    const dev = fakeDevice();
    const s = new StagingBuffers(dev);
    const a = s.acquire(4, 'loss');
    expect(dev.made[0]).toMatchObject({ size: 256, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    const b = s.acquire(8, 'accuracy'); // a is out: a second buffer
    expect(b).not.toBe(a);
    s.release(a);
    s.release(b);
    expect(s.acquire(200, 'loss')).toBe(b);
    expect(s.acquire(4 + 4096, 'loss and error words')).not.toBe(a); // another class
    expect(s.stats()).toEqual({ kept: 1, keptBytes: 256, created: 3, reused: 1 });
  });

  it('keeps at most maxPerClass buffers of a class and maxBytes in all; destroys the rest and foreign ones', () => {
    const dev = fakeDevice();
    const s = new StagingBuffers(dev, 1024 + 512, 2);
    const small = [1, 2, 3].map(() => s.acquire(100, 'x'));
    small.forEach((b) => s.release(b));
    expect(dev.made.map((m) => m.destroyed)).toEqual([false, false, true]);
    const big = s.acquire(1024, 'y');
    s.release(big); // 256 * 2 + 1024 fits
    const big2 = s.acquire(1024, 'y');
    const big3 = s.acquire(1024, 'y');
    s.release(big2);
    s.release(big3); // would exceed maxBytes
    expect((big3 as unknown as FakeBuffer).destroyed).toBe(true);
    expect(s.stats()).toMatchObject({ kept: 3, keptBytes: 1536 });
    const foreign = { size: 256, destroyed: false, destroy() { this.destroyed = true; } };
    s.release(foreign as unknown as GPUBuffer);
    expect(foreign.destroyed).toBe(true);
    s.clear();
    expect(s.stats()).toMatchObject({ kept: 0, keptBytes: 0 });
    expect(dev.made.filter((m) => !m.destroyed)).toHaveLength(0);
  });
});
