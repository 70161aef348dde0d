import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { digestManifest, serializeManifest } from '../../src/hash/manifest.js';
import { ObjectStore } from '../../src/cache/object-store.js';
import { makeTempDir, sha256, writeTree } from './temp-dir.js';

test('addFile stores content under its SHA-256, read-only, once', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  await writeFile(join(dir, 'a.txt'), 'hello');
  const added = await store.addFile(join(dir, 'a.txt'));
  assert.deepEqual(added, { hash: sha256('hello'), size: 5 });
  const objectPath = join(dir, 'cache', 'objects', added.hash.slice(0, 2), added.hash.slice(2));
  assert.equal(store.objectPath(added.hash), objectPath);
  assert.equal(await readFile(objectPath, 'utf8'), 'hello');
  assert.equal((await stat(objectPath)).mode & 0o777, 0o444);
  const inode = (await stat(objectPath)).ino;
  assert.deepEqual(await store.addFile(join(dir, 'a.txt')), added);
  assert.deepEqual(await store.addFile(join(dir, 'a.txt'), added.hash), added);
  assert.equal((await stat(objectPath)).ino, inode, 'an existing object is not rewritten');
  assert.equal(await store.has(added.hash), true);
  assert.equal(await store.has(added.hash, 5), true);
  assert.equal(await store.has(added.hash, 6), false);
  assert.deepEqual(await readdir(join(dir, 'cache', 'tmp')), []);
});

test('addFile with the hashed bytes stores those bytes, even when the file changed since', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  const hashed = Buffer.from('as hashed\n');
  // Something (a process the stage left behind) appended after the file was hashed.
  await writeFile(join(dir, 'out.txt'), 'as hashed\nand more\n');
  const added = await store.addFile(join(dir, 'out.txt'), sha256(hashed), hashed.length, hashed);
  assert.deepEqual(added, { hash: sha256(hashed), size: hashed.length });
  assert.equal(await readFile(store.objectPath(added.hash), 'utf8'), 'as hashed\n');
});

test('addTree stores every file and the manifest bytes as the tree object', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  await writeTree(join(dir, 'data'), { 'b.txt': 'bee', 'sub/a.txt': 'ay', 'run.sh': '#!/bin/sh\n' });
  await chmod(join(dir, 'data', 'run.sh'), 0o755);
  const digest = await store.addTree(join(dir, 'data'));
  assert.equal(digest.nfiles, 3);
  assert.deepEqual(digest.entries.map((e) => [e.path, e.executable]), [['b.txt', false], ['run.sh', true], ['sub/a.txt', false]]);
  const treeBytes = await readFile(store.objectPath(digest.hash), 'utf8');
  assert.equal(treeBytes, serializeManifest(digest.entries));
  assert.equal(sha256(treeBytes), digest.hash);
  assert.deepEqual(digestManifest(digest.entries), digest);
  for (const entry of digest.entries) assert.equal(await store.has(entry.hash, entry.size), true);
  assert.deepEqual(await store.addTree(join(dir, 'data'), digest), digest, 'a given digest is used as is');
});

test('restore recreates files and directories with executable bits, as independent copies', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  await writeTree(join(dir, 'data'), { 'x.bin': 'payload', 'nested/tool': 'exec' });
  await chmod(join(dir, 'data', 'nested', 'tool'), 0o755);
  const tree = await store.addTree(join(dir, 'data'));
  const file = await store.addFile(join(dir, 'data', 'x.bin'));

  const restored = await store.restore(tree.hash, 'dir', join(dir, 'out', 'restored'));
  assert.deepEqual(restored, { ok: true, value: { files: 2, bytes: 11 } });
  assert.equal(await readFile(join(dir, 'out', 'restored', 'x.bin'), 'utf8'), 'payload');
  assert.equal((await stat(join(dir, 'out', 'restored', 'nested', 'tool'))).mode & 0o777, 0o755);
  assert.equal((await stat(join(dir, 'out', 'restored', 'x.bin'))).mode & 0o777, 0o644);

  const single = join(dir, 'out', 'single.bin');
  assert.equal((await store.restore(file.hash, 'file', single, { size: file.size, verify: true })).ok, true);
  assert.equal((await stat(single)).nlink, 1, 'never a hardlink into the store');
  await writeFile(single, 'overwritten by a stage');
  assert.equal(await readFile(store.objectPath(file.hash), 'utf8'), 'payload');
  assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['restored', 'single.bin'], 'no temp siblings left');
});

test('restore replaces an existing directory entirely', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  await writeTree(join(dir, 'data'), { 'keep.txt': 'v1' });
  const tree = await store.addTree(join(dir, 'data'));
  await writeTree(join(dir, 'data'), { 'keep.txt': 'v2', 'extra.txt': 'stray' });
  assert.equal((await store.restore(tree.hash, 'dir', join(dir, 'data'))).ok, true);
  assert.deepEqual(await readdir(join(dir, 'data')), ['keep.txt']);
  assert.equal(await readFile(join(dir, 'data', 'keep.txt'), 'utf8'), 'v1');
});

test('restore refuses missing objects and objects of the wrong size, leaving the destination alone', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  await writeTree(join(dir, 'data'), { 'a.txt': 'alpha', 'b.txt': 'beta' });
  const tree = await store.addTree(join(dir, 'data'));
  await writeTree(join(dir, 'dest'), { 'old.txt': 'old' });

  const b = tree.entries.find((e) => e.path === 'b.txt')!;
  await chmod(store.objectPath(b.hash), 0o644);
  await writeFile(store.objectPath(b.hash), 'beta but longer');
  const wrongSize = await store.restore(tree.hash, 'dir', join(dir, 'dest'));
  assert.equal(wrongSize.ok, false);
  assert.match(wrongSize.ok ? '' : wrongSize.error[0]!.message, /has 15 bytes, expected 4/);

  await store.evict(b.hash);
  const missing = await store.restore(tree.hash, 'dir', join(dir, 'dest'));
  assert.equal(missing.ok, false);
  assert.match(missing.ok ? '' : missing.error[0]!.message, /is missing/);
  assert.ok(missing.ok || missing.error[0]!.hint);
  assert.deepEqual(await readdir(join(dir, 'dest')), ['old.txt']);
  assert.equal((await store.restore('0'.repeat(64), 'dir', join(dir, 'dest'))).ok, false);
});

test('restore with verify rejects same-size corruption and evicts the object', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  await writeFile(join(dir, 'f.txt'), 'genuine');
  const { hash, size } = await store.addFile(join(dir, 'f.txt'));
  await chmod(store.objectPath(hash), 0o644);
  await writeFile(store.objectPath(hash), 'forgery');

  const rejected = await store.restore(hash, 'file', join(dir, 'restored.txt'), { size, verify: true });
  assert.equal(rejected.ok, false);
  assert.match(rejected.ok ? '' : rejected.error[0]!.message, /corrupt/);
  await assert.rejects(stat(join(dir, 'restored.txt')), { code: 'ENOENT' });
  assert.equal(await store.has(hash), false, 'the corrupt object is evicted');
  assert.deepEqual(await readdir(dir), ['cache', 'f.txt']);
});

test('a large restore (copied on worker threads) checks every object and keeps modes', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`d${i % 7}/f${i}.txt`] = `content ${i}\n`.repeat(1 + (i % 5));
  await writeTree(join(dir, 'data'), files);
  await chmod(join(dir, 'data', 'd3', 'f3.txt'), 0o755);
  const tree = await store.addTree(join(dir, 'data'));

  const restored = await store.restore(tree.hash, 'dir', join(dir, 'copy'), { verify: true });
  assert.equal(restored.ok, true);
  for (const [rel, content] of Object.entries(files)) assert.equal(await readFile(join(dir, 'copy', rel), 'utf8'), content);
  assert.equal((await stat(join(dir, 'copy', 'd3', 'f3.txt'))).mode & 0o777, 0o755);
  assert.equal((await stat(join(dir, 'copy', 'd4', 'f4.txt'))).mode & 0o777, 0o644);

  const forged = tree.entries.find((e) => e.path === 'd5/f250.txt')!;
  const resized = tree.entries.find((e) => e.path === 'd2/f16.txt')!;
  await chmod(store.objectPath(forged.hash), 0o644);
  await writeFile(store.objectPath(forged.hash), 'X'.repeat(forged.size));
  await chmod(store.objectPath(resized.hash), 0o644);
  await writeFile(store.objectPath(resized.hash), 'longer than before, surely');
  const rejected = await store.restore(tree.hash, 'dir', join(dir, 'copy'), { verify: true });
  assert.equal(rejected.ok, false);
  const messages = rejected.ok ? [] : rejected.error.map((d) => d.message);
  assert.ok(messages.some((m) => m.includes('d5/f250.txt') && m.includes('corrupt')), messages.join('\n'));
  assert.ok(messages.some((m) => m.includes('d2/f16.txt') && m.includes('bytes, expected')), messages.join('\n'));
  assert.equal(await store.has(forged.hash), false, 'the corrupt object is evicted');
  assert.equal(await readFile(join(dir, 'copy', 'd5', 'f250.txt'), 'utf8'), files['d5/f250.txt'], 'the earlier restore is untouched');
  assert.deepEqual((await readdir(dir)).sort(), ['cache', 'copy', 'data'], 'no staging directory left');
});

test('open removes temp leftovers of dead processes and old ones, keeps fresh ones', async () => {
  const dir = await makeTempDir();
  const cacheDir = join(dir, 'cache');
  await ObjectStore.open(cacheDir);
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
  await writeFile(join(cacheDir, 'tmp', `${deadPid}-abcdef.obj`), 'dead');
  await writeFile(join(cacheDir, 'tmp', `${process.pid}-old.obj`), 'old');
  const twoMinutesAgo = new Date(Date.now() - 120_000);
  await utimes(join(cacheDir, 'tmp', `${process.pid}-old.obj`), twoMinutesAgo, twoMinutesAgo);
  await writeFile(join(cacheDir, 'tmp', `${process.pid}-abc123.obj`), 'in progress');
  await ObjectStore.open(cacheDir);
  assert.deepEqual(await readdir(join(cacheDir, 'tmp')), [`${process.pid}-abc123.obj`]);
});

test('restore puts back an out whose name is as long as names go', async () => {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  const name = `${'n'.repeat(250)}.txt`;
  await writeFile(join(dir, name), 'long');
  const file = await store.addFile(join(dir, name));
  await writeTree(join(dir, 'tree'), { [name]: 'long' });
  const tree = await store.addTree(join(dir, 'tree'));
  assert.deepEqual(await store.restore(file.hash, 'file', join(dir, 'out', name), { size: 4 }), { ok: true, value: { files: 1, bytes: 4 } });
  assert.equal((await store.restore(tree.hash, 'dir', join(dir, 'out', name.replace('.txt', '.d')))).ok, true);
  assert.equal(await readFile(join(dir, 'out', name), 'utf8'), 'long');
  assert.equal(await readFile(join(dir, 'out', name.replace('.txt', '.d'), name), 'utf8'), 'long');
  assert.deepEqual((await readdir(join(dir, 'out'))).sort(), [name.replace('.txt', '.d'), name]);
});

test('open removes the staging directory of a restore whose process was killed', async () => {
  const dir = await makeTempDir();
  const cacheDir = join(dir, 'cache');
  const store = await ObjectStore.open(cacheDir);
  await writeTree(join(dir, 'data'), { 'a.txt': 'aaa', 'b.txt': 'bbb' });
  const tree = await store.addTree(join(dir, 'data'));
  // Opening a fifo blocks until a writer comes, so the child stops inside its restore.
  const blocking = store.objectPath(sha256('bbb'));
  await rm(blocking, { force: true });
  assert.equal(spawnSync('mkfifo', [blocking]).status, 0);
  const storeModule = new URL('../../src/cache/object-store.js', import.meta.url).href;
  const script = `const { ObjectStore } = await import(${JSON.stringify(storeModule)});
    const store = await ObjectStore.open(${JSON.stringify(cacheDir)});
    await store.restore(${JSON.stringify(tree.hash)}, 'dir', ${JSON.stringify(join(dir, 'out', 'data'))});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  while ((await readdir(join(dir, 'out')).catch(() => [])).length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited;
  await rm(blocking, { force: true });
  await store.addFile(join(dir, 'data', 'b.txt'));

  await ObjectStore.open(cacheDir);
  assert.deepEqual(await readdir(join(dir, 'out')), []);
  assert.deepEqual(await readdir(join(cacheDir, 'tmp')), []);
});
