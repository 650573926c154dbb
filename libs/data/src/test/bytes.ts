// Test helper: fast exact comparison of large byte arrays (vitest's toEqual walks elements one by one).
import { expect } from 'vitest';

/** Asserts a and b hold the same bytes; reports the first difference. */
export function expectSameBytes(a: Uint8Array, b: Uint8Array): void {
  expect(a.length, 'length').toBe(b.length);
  if (Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))) return;
  const i = a.findIndex((v, k) => v !== b[k]);
  expect.fail(`bytes differ first at index ${i}: ${a[i]} vs ${b[i]}`);
}
