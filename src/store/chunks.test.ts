import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunks, paddedChunks, powerOfTwoChunks } from './chunks.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('statement slices', () => {
  it('chunks keeps the order and bounds each slice', () => {
    assert.deepEqual(chunks(range(5), 2), [[0, 1], [2, 3], [4]]);
  });

  it('paddedChunks pads each slice to a power of two with its last item', () => {
    assert.deepEqual(paddedChunks(range(5), 64), [[0, 1, 2, 3, 4, 4, 4, 4]]);
    assert.deepEqual(paddedChunks([7], 64), [[7]]);
    // A bound that is not a power of two is rounded down: 100 → 64.
    const slices = paddedChunks(range(70), 100);
    assert.deepEqual(slices.map((slice) => slice.length), [64, 8]);
    assert.deepEqual([...new Set(slices.flat())], range(70));
  });

  it('paddedChunks gives few shapes whatever the batch size', () => {
    const lengths = new Set<number>();
    for (let n = 1; n <= 2000; n++) for (const slice of paddedChunks(range(n), 512)) lengths.add(slice.length);
    assert.deepEqual([...lengths].sort((a, b) => a - b), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  });

  it('powerOfTwoChunks splits into power-of-two slices, largest first, without padding', () => {
    assert.deepEqual(powerOfTwoChunks(range(37), 128).map((slice) => slice.length), [32, 4, 1]);
    assert.deepEqual(powerOfTwoChunks(range(300), 128).map((slice) => slice.length), [128, 128, 32, 8, 4]);
    for (let n = 0; n <= 600; n++) assert.deepEqual(powerOfTwoChunks(range(n), 128).flat(), range(n));
  });
});
