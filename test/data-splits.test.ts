import { describe, expect, it } from 'vitest';
import { classSubset, holdoutTail, sliceSplit } from '../model/data/splits.js';
import type { FashionMnistSplit } from '../model/data/fashion-mnist.js';

/** A split whose image i is filled with the value i, so a slice shows where each image came from. */
function numberedSplit(count: number, labelOf: (i: number) => number): FashionMnistSplit {
  const images = new Float32Array(count * 784);
  for (let i = 0; i < count; i++) images.fill(i, i * 784, (i + 1) * 784);
  return { images, labels: Int32Array.from({ length: count }, (_, i) => labelOf(i)), count };
}

describe('data splits', () => {
  it('holdoutTail keeps the first images for training and the last ones for validation, as copies', () => {
    const split = numberedSplit(10, (i) => i % 10);
    const { train, validation } = holdoutTail(split, 3);
    expect(train.count).toBe(7);
    expect(validation.count).toBe(3);
    expect(Array.from(validation.labels)).toEqual([7, 8, 9]);
    expect(validation.images[0]).toBe(7);
    expect(train.images[train.images.length - 1]).toBe(6);
    train.images[0] = 99;
    expect(split.images[0]).toBe(0);
  });

  it('classSubset keeps order and relabels to the position in the class list when asked', () => {
    const split = numberedSplit(20, (i) => i % 10);
    const kept = classSubset(split, [5, 9], true);
    expect(kept.count).toBe(4);
    expect(Array.from(kept.labels)).toEqual([0, 1, 0, 1]);
    expect([kept.images[0], kept.images[784], kept.images[2 * 784], kept.images[3 * 784]]).toEqual([5, 9, 15, 19]);
    expect(Array.from(classSubset(split, [5, 9]).labels)).toEqual([5, 9, 5, 9]);
  });

  it('rejects counts and classes out of range with messages that name the function and the value', () => {
    const split = numberedSplit(10, () => 0);
    expect(() => holdoutTail(split, 10)).toThrow(/holdoutTail: .*\[1, 9\].*got 10/);
    expect(() => holdoutTail(split, 1.5)).toThrow(/got 1\.5/);
    expect(() => sliceSplit(split, 4, 2)).toThrow(/sliceSplit: .*start=4, end=2/);
    expect(() => classSubset(split, [3, 3])).toThrow(/classSubset: .*distinct.*\[3, 3\]/);
    expect(() => classSubset(split, [10])).toThrow(/0\.\.9/);
  });
});
