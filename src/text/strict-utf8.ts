// Config files are read as UTF-8. Node's decoder silently turns bytes that are not UTF-8 (a file
// saved as Latin-1) into U+FFFD: a command would run with other bytes than the file holds, and two
// params values differing only there would hash alike. Such a file is refused at its first bad byte.
import { isUtf8 } from 'node:buffer';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';

export function decodeUtf8(bytes: Uint8Array, file: string, what: string): Result<string, Diagnostic[]> {
  if (isUtf8(bytes)) return ok(new TextDecoder().decode(bytes));
  let lineStart = 0;
  let line = 1;
  // A newline byte is never part of a longer character: each line decodes on its own.
  for (let i = bytes.indexOf(0x0a); i !== -1 && isUtf8(bytes.subarray(lineStart, i + 1)); i = bytes.indexOf(0x0a, i + 1)) {
    lineStart = i + 1;
    line++;
  }
  // The longest prefix of the line that decodes: a character is at most 4 bytes, so a gap of more
  // than that since the last boundary puts the bad byte right after it.
  let good = lineStart;
  for (let end = lineStart + 1; end <= bytes.length && end - good <= 4; end++) if (isUtf8(bytes.subarray(lineStart, end))) good = end;
  const col = new TextDecoder().decode(bytes.subarray(lineStart, good)).length + 1;
  const byte = bytes[good]!.toString(16).toUpperCase().padStart(2, '0');
  return fail([
    {
      message: `${what} ${file} is not valid UTF-8 (byte 0x${byte})`,
      location: { file, line, col },
      hint: 'save it as UTF-8 (the encoding setting of your editor, or iconv -f latin1 -t utf-8)',
    },
  ]);
}
