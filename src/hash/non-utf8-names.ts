// File names are bytes; dagmake records them as UTF-8 text. A name that is not valid UTF-8 comes
// back from readdir with U+FFFD in place of its bad bytes, a name no file has: hashing would skip
// the file and a restore could not recreate it. Such names are found and shown byte for byte.
import { isUtf8 } from 'node:buffer';
import { readdirSync } from 'node:fs';

export interface NonUtf8Name {
  /** The name with every byte that is not part of valid UTF-8 (and every control character) as `\xNN`. */
  readonly shown: string;
  readonly directory: boolean;
}

/**
 * The first entry of `absDir` (in byte order) whose name is not valid UTF-8. Only worth calling
 * when a name read as text holds U+FFFD, which a valid name may hold too.
 */
export function findNonUtf8Name(absDir: string): NonUtf8Name | undefined {
  const entries = listAsBytes(absDir);
  const bad = entries.filter((e) => !isUtf8(e.name)).sort((a, b) => Buffer.compare(a.name, b.name))[0];
  return bad === undefined ? undefined : { shown: showBytes(bad.name), directory: bad.isDirectory() };
}

function listAsBytes(absDir: string) {
  try {
    return readdirSync(absDir, { encoding: 'buffer', withFileTypes: true });
  } catch {
    return []; // gone since it was listed: nothing in it to report
  }
}

// Well-formed UTF-8 sequences (RFC 3629), matched on the bytes read as latin1; any other byte is
// matched alone by the last alternative.
const SEQUENCE =
  /[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}|[\s\S]/g;

const hex = (code: number): string => `\\x${code.toString(16).padStart(2, '0')}`;

export function showBytes(name: Uint8Array): string {
  return Buffer.from(name)
    .toString('latin1')
    .replace(SEQUENCE, (sequence) => {
      const code = sequence.charCodeAt(0);
      if (sequence.length > 1) return Buffer.from(sequence, 'latin1').toString('utf8');
      return code < 0x20 || code >= 0x7f ? hex(code) : sequence;
    });
}
