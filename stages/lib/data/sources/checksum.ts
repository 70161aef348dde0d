import { createHash } from 'node:crypto';
import { DatasetError } from '../errors.js';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws when `bytes` do not hash to the pinned `expected` sha256. */
export function verifySha256(bytes: Uint8Array, expected: string | undefined, shownAs: string): void {
  if (expected === undefined) return;
  const actual = sha256Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new DatasetError(
      `${shownAs}: sha256 mismatch: expected ${expected.toLowerCase()} (sha256: in the data config), got ${actual}. ` +
        `The data changed; check the source, then update the pin.`,
    );
  }
}
