import { describe, expect, it } from '@jest/globals';
import { ReadCoalescer } from './read-coalescer';

describe('ReadCoalescer', () => {
  it('goes at once when idle, and merges the reads that arrive while a statement runs', async () => {
    const statements: string[][] = [];
    const coalescer = new ReadCoalescer<string, string>(async (keys) => {
      statements.push([...keys]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `v${k}`]));
    }, 1);
    const reads = ['a', 'b', 'c', 'b', 'missing'].map((k) => coalescer.read(k));
    expect(await Promise.all(reads)).toEqual(['va', 'vb', 'vc', 'vb', null]);
    expect(statements).toEqual([['a'], ['b', 'c', 'missing']]);
  });

  it('fails every read of a failed statement, and the next ones still go', async () => {
    let fail = true;
    const coalescer = new ReadCoalescer<number, number>(async (keys) => {
      if (fail) throw new Error('down');
      return new Map(keys.map((k) => [k, k * 2]));
    }, 2);
    await expect(coalescer.read(1)).rejects.toThrow('down');
    fail = false;
    expect(await coalescer.read(2)).toBe(4);
  });
});
