// The consistent-hashing ring on its own: stable, spread, and removing a routee moves only the keys it owned.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashRing, keyString } from '../../src/routing/hash-ring.js';

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `pool/routee-${i + 1}`);

describe('HashRing', () => {
  it('keeps every key on the same routee when only one routee of N is removed, and moves exactly the removed one’s keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.nat(),
        fc.integer({ min: 1, max: 40 }),
        fc.uniqueArray(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 200 }),
        (n, pick, vnodes, keys) => {
          const all = names(n);
          const gone = pick % n;
          const rest = all.filter((_, i) => i !== gone);
          const before = new HashRing(all, vnodes);
          const after = new HashRing(rest, vnodes);
          for (const key of keys) {
            const was = all[before.ownerOf(key)]!;
            const now = rest[after.ownerOf(key)]!;
            if (was === all[gone]) expect(now).not.toBe(was);
            else expect(now).toBe(was);
          }
        },
      ),
      { seed: 13, numRuns: 300 },
    );
  });

  it('gives the same owner for the same key whatever the order the routees were listed in', () => {
    const all = names(5);
    const a = new HashRing(all, 10);
    const reversed = [...all].reverse();
    const b = new HashRing(reversed, 10);
    for (let k = 0; k < 500; k++) expect(reversed[b.ownerOf(`user-${k}`)]).toBe(all[a.ownerOf(`user-${k}`)]);
  });

  it('spreads 10,000 keys over 4 routees with 10 virtual nodes each, none with under half or over twice its share', () => {
    const ring = new HashRing(names(4), 10);
    const counts = [0, 0, 0, 0];
    for (let k = 0; k < 10_000; k++) counts[ring.ownerOf(`user-${k}`)]!++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(1250);
      expect(c).toBeLessThan(5000);
    }
  });

  it('hashes a key by its string: numbers and objects by their JSON', () => {
    expect(keyString('a')).toBe('a');
    expect(keyString(42)).toBe('42');
    expect(keyString({ id: 1 })).toBe('{"id":1}');
    expect(new HashRing([], 10).ownerOf('x')).toBe(-1);
  });
});
