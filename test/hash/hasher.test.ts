import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hasher, toLockedPath } from '../../src/hash/hasher.js';
import { digestManifest } from '../../src/hash/manifest.js';
import { STAT_CACHE_FILE, StatCache, isRacy } from '../../src/hash/stat-cache.js';

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
/** A clock far enough ahead that no entry recorded by it is racy. */
const settledClock = (): bigint => BigInt(Date.now() + 60_000) * 1_000_000n;

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dagmake-hasher-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function project(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(path.join(tmp, 'p-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  return root;
}

describe('Hasher.hashPath', () => {
  it('hashes a file by content and reports a missing path', async () => {
    const root = await project({ 'a.txt': 'hello' });
    const hasher = await Hasher.open(root);
    assert.deepEqual(await hasher.hashPath('a.txt'), { kind: 'file', hash: sha('hello'), size: 5, executable: false });
    assert.deepEqual(await hasher.hashPath('nope.txt'), { kind: 'missing' });
    assert.deepEqual(await hasher.hashPath('a.txt/below'), { kind: 'missing' });
    assert.equal(toLockedPath('nope.txt', { kind: 'missing' }), undefined);
    assert.deepEqual(toLockedPath('a.txt', await hasher.hashPath('a.txt')), { path: 'a.txt', hash: sha('hello'), size: 5 });
    await hasher.close();
  });

  it('returns the bytes it hashed when asked, for small files it read this time only', async () => {
    const big = Buffer.alloc((64 << 10) + 1, 7);
    const root = await project({ 'small.txt': 'small\n', 'big.bin': big });
    const hasher = await Hasher.open(root, { now: settledClock });
    const small = await hasher.hashPath('small.txt', { keepContent: true });
    assert.equal(small.kind === 'file' && small.content?.toString(), 'small\n');
    const plain = await hasher.hashPath('small.txt');
    assert.equal(plain.kind === 'file' && plain.content, undefined);
    const large = await hasher.hashPath('big.bin', { keepContent: true });
    assert.equal(large.kind === 'file' && large.hash, sha(big));
    assert.equal(large.kind === 'file' && large.content, undefined, 'a large file is not kept in memory');
    await hasher.close();
    // Found in the stat cache: nothing is read, so there are no bytes to give.
    const again = await Hasher.open(root, { now: settledClock });
    const cached = await again.hashPath('small.txt', { keepContent: true });
    assert.equal(cached.kind === 'file' && cached.hash, sha('small\n'));
    assert.equal(cached.kind === 'file' && cached.content, undefined);
    assert.equal(again.counters.filesRead, 0);
    await again.close();
  });

  it('hashes a directory as the manifest of every file below it', async () => {
    const root = await project({ 'd/x.txt': 'x', 'd/sub/y.txt': 'yy', 'd/.hidden': 'h', 'd/run.sh': '#!/bin/sh\n' });
    await chmod(path.join(root, 'd/run.sh'), 0o755);
    const hasher = await Hasher.open(root);
    const result = await hasher.hashPath('./d/');
    await hasher.close();
    const expected = digestManifest([
      { path: '.hidden', hash: sha('h'), size: 1, executable: false },
      { path: 'run.sh', hash: sha('#!/bin/sh\n'), size: 10, executable: true },
      { path: 'sub/y.txt', hash: sha('yy'), size: 2, executable: false },
      { path: 'x.txt', hash: sha('x'), size: 1, executable: false },
    ]);
    assert.deepEqual(result, { kind: 'dir', digest: expected });
    assert.deepEqual(toLockedPath('./d/', result), { path: 'd', hash: expected.hash, size: 14, nfiles: 4 });
  });

  it('gives an empty directory the empty manifest', async () => {
    const root = await project({});
    await mkdir(path.join(root, 'empty'));
    const hasher = await Hasher.open(root);
    const result = await hasher.hashPath('empty');
    assert.equal(result.kind, 'dir');
    assert.equal(result.kind === 'dir' && result.digest.hash, sha(''));
  });

  it('follows symlinks and rejects dangling ones and cycles', async () => {
    const root = await project({ 'target.txt': 'T', 'd/real.txt': 'R' });
    await symlink(path.join(root, 'target.txt'), path.join(root, 'd/link.txt'));
    const hasher = await Hasher.open(root);
    const followed = await hasher.hashPath('d');
    assert.ok(followed.kind === 'dir');
    assert.deepEqual(
      followed.digest.entries.map((e) => [e.path, e.hash]),
      [
        ['link.txt', sha('T')],
        ['real.txt', sha('R')],
      ],
    );

    await symlink(path.join(root, 'gone.txt'), path.join(root, 'd/dangling'));
    const dangling = await hasher.hashPath('d');
    assert.equal(dangling.kind, 'invalid');
    assert.match(dangling.kind === 'invalid' ? dangling.diagnostics[0]!.message : '', /d\/dangling is a dangling symlink/);
    await rm(path.join(root, 'd/dangling'));

    await symlink(path.join(root, 'd'), path.join(root, 'd/loop'));
    const loop = await hasher.hashPath('d');
    assert.equal(loop.kind, 'invalid');
    assert.match(loop.kind === 'invalid' ? loop.diagnostics[0]!.message : '', /d\/loop is a symlink to one of its own parent/);
  });

  it('hashes large batches on worker threads with the same results', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 40; i++) files[`big/f${i}.bin`] = Buffer.alloc(150_000 + i, i);
    const root = await project(files);
    const hasher = await Hasher.open(root, { workers: 2 });
    const result = await hasher.hashPath('big');
    await hasher.close();
    assert.ok(result.kind === 'dir');
    assert.equal(result.digest.nfiles, 40);
    for (const entry of result.digest.entries) assert.equal(entry.hash, sha(files[`big/${entry.path}`]!));
    assert.equal(hasher.counters.filesRead, 40);
  });
});

describe('stat cache', () => {
  it('reads an unchanged file only once across runs', async () => {
    const root = await project({ 'd/a.txt': 'a', 'd/b.txt': 'b', 'c.txt': 'c' });
    const first = await Hasher.open(root, { now: settledClock });
    const firstDir = await first.hashPath('d');
    await first.hashPath('c.txt');
    await first.close();
    assert.equal(first.counters.filesRead, 3);
    await stat(path.join(root, STAT_CACHE_FILE));

    const second = await Hasher.open(root);
    assert.deepEqual(await second.hashPath('d'), firstDir);
    assert.deepEqual(await second.hashPath('c.txt'), { kind: 'file', hash: sha('c'), size: 1, executable: false });
    assert.equal(second.counters.filesRead, 0);

    await writeFile(path.join(root, 'd/a.txt'), 'changed');
    const changed = await second.hashPath('d');
    assert.equal(second.counters.filesRead, 1);
    assert.ok(changed.kind === 'dir' && changed.digest.entries[0]!.hash === sha('changed'));
    await second.close();
  });

  it('forgets files that were removed from a directory', async () => {
    const root = await project({ 'd/a.txt': 'a', 'd/b.txt': 'b' });
    const hasher = await Hasher.open(root, { now: settledClock });
    await hasher.hashPath('d');
    await rm(path.join(root, 'd/b.txt'));
    await hasher.hashPath('d');
    await hasher.close();
    const stored = JSON.parse(await readFile(path.join(root, STAT_CACHE_FILE), 'utf8')) as { entries: object };
    assert.deepEqual(Object.keys(stored.entries), ['d/a.txt']);
  });

  it('treats a corrupt cache file as empty', async () => {
    const root = await project({ 'a.txt': 'a', [STAT_CACHE_FILE]: '{"version":1,"entr' });
    const hasher = await Hasher.open(root);
    assert.deepEqual(await hasher.hashPath('a.txt'), { kind: 'file', hash: sha('a'), size: 1, executable: false });
    await hasher.close();
    const reloaded = await StatCache.load(root);
    assert.equal(reloaded.size, 1);
  });
});

describe('racy-clean', () => {
  it('never trusts an entry whose mtime is within the margin of when it was hashed', async () => {
    const root = await project({ 'f.txt': 'one' });
    const s = await stat(path.join(root, 'f.txt'), { bigint: true });
    const cache = await StatCache.load(root, 10_000_000n);
    cache.record('f.txt', s, sha('one'), s.mtimeNs + 5_000_000n);
    assert.equal(cache.lookup('f.txt', s), undefined, 'hashed 5 ms after its mtime: racy');
    cache.record('f.txt', s, sha('one'), s.mtimeNs + 10_000_001n);
    assert.equal(cache.lookup('f.txt', s)?.hash, sha('one'), 'hashed well after its mtime: trusted');
  });

  it('uses a 2 s margin for whole-second timestamps', () => {
    assert.equal(isRacy({ mtimeNs: '5000000000', hashedAtNs: '6000000000' }), true);
    assert.equal(isRacy({ mtimeNs: '5000000000', hashedAtNs: '7000000001' }), false);
    assert.equal(isRacy({ mtimeNs: '5000000001', hashedAtNs: '5020000000' }), false);
  });

  it('detects a same-size rewrite with the mtime forced back to the same tick', async () => {
    const root = await project({ 'f.txt': 'aaaa' });
    const file = path.join(root, 'f.txt');
    const first = await Hasher.open(root);
    assert.ok((await first.hashPath('f.txt')).kind === 'file');
    await first.close();
    const before = await stat(file);
    await writeFile(file, 'bbbb');
    await utimes(file, before.atime, before.mtime);

    const second = await Hasher.open(root);
    assert.deepEqual(await second.hashPath('f.txt'), { kind: 'file', hash: sha('bbbb'), size: 4, executable: false });
    await second.close();
  });

  it('re-reads a racy entry until it is recorded safely, then trusts it', async () => {
    const root = await project({ 'f.txt': 'data' });
    const mtime = (await stat(path.join(root, 'f.txt'), { bigint: true })).mtimeNs;
    let clock = mtime;
    const open = (): Promise<Hasher> => Hasher.open(root, { now: () => clock, racyMarginNs: 10_000_000n });
    const reads = async (): Promise<number> => {
      const h = await open();
      await h.hashPath('f.txt');
      await h.close();
      return h.counters.filesRead;
    };
    assert.equal(await reads(), 1);
    assert.equal(await reads(), 1, 'still racy: read again');
    clock = mtime + 1_000_000_000n;
    assert.equal(await reads(), 1, 'recorded safely this time');
    assert.equal(await reads(), 0, 'trusted from now on');
  });
});
