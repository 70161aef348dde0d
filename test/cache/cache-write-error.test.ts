import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asCacheWriteError, CacheWriteError } from '../../src/cache/cache-write-error.js';

const errno = (code: string, description: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${description}, open '/p/cache/tmp/1-a.obj'`), { code, syscall: 'open', path: '/p/cache/tmp/1-a.obj' });

test('a refused write names the file and why; a full disk gets a hint about space, a permission problem one about permissions', () => {
  const full = asCacheWriteError(errno('ENOSPC', 'no space left on device'), '/p/cache', '/p/cache/tmp');
  assert.ok(full instanceof CacheWriteError);
  assert.equal(full.message, 'cannot write cache/tmp/1-a.obj (ENOSPC: no space left on device)');
  assert.match(full.hint, /free space on the disk that holds cache\/ \("dagmake gc --max-size SIZE" drops the outputs of older runs\)/);
  assert.doesNotMatch(full.hint, /writable/);

  const tooBig = asCacheWriteError(errno('EFBIG', 'file too large'), '/p/cache', '/p/cache/tmp') as CacheWriteError;
  assert.match(tooBig.hint, /free space/);

  const denied = asCacheWriteError(errno('EACCES', 'permission denied'), '/p/cache', '/p/cache/tmp') as CacheWriteError;
  assert.match(denied.hint, /^make cache\/ writable/);
});
