// A file name that is not valid UTF-8 cannot be recorded in a manifest: hashing a directory that
// holds one fails, naming the directory and the file byte for byte, instead of leaving the file out.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hasher } from '../../src/hash/hasher.js';
import { digestManifest } from '../../src/hash/manifest.js';
import { showBytes } from '../../src/hash/non-utf8-names.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dagmake-names-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes a file whose name is given as bytes; false where the file system refuses such names. */
function writeBytesName(dir: string, name: Buffer, content: string): boolean {
  try {
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), content);
    return true;
  } catch {
    return false;
  }
}

const LATIN1_NAME = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in Latin-1

describe('directory hashing and names that are not valid UTF-8', () => {
  it('fails naming the directory and the file with its bad bytes escaped, and says to rename it', async (t) => {
    const root = await mkdtemp(path.join(tmp, 'p-'));
    mkdirSync(path.join(root, 'data/sub'), { recursive: true });
    writeFileSync(path.join(root, 'data/ok.txt'), 'ok\n');
    if (!writeBytesName(path.join(root, 'data/sub'), LATIN1_NAME, 'one\n')) return t.skip('this file system only takes UTF-8 names');
    const hasher = await Hasher.open(root);
    const hashed = await hasher.hashPath('data');
    assert.equal(hashed.kind, 'invalid');
    assert.equal(hashed.kind === 'invalid' && hashed.diagnostics.length, 1);
    const message = hashed.kind === 'invalid' ? hashed.diagnostics[0]!.message : '';
    assert.equal(
      message,
      'file "data/sub/caf\\xe9.txt" in directory "data" has a name that is not valid UTF-8 (bad bytes shown as \\xNN); ' +
        'dagmake records names as UTF-8, so it can neither hash nor restore it: rename it',
    );
    await hasher.close();
  });

  it('names a directory whose name is not valid UTF-8 as a directory', async (t) => {
    const root = await mkdtemp(path.join(tmp, 'p-'));
    mkdirSync(path.join(root, 'data'));
    try {
      mkdirSync(Buffer.concat([Buffer.from(`${root}/data/`), Buffer.from([0x64, 0xff])]));
    } catch {
      return t.skip('this file system only takes UTF-8 names');
    }
    const hasher = await Hasher.open(root);
    const hashed = await hasher.hashPath('data');
    assert.equal(hashed.kind, 'invalid');
    assert.match(hashed.kind === 'invalid' ? hashed.diagnostics[0]!.message : '', /^directory "data\/d\\xff" in directory "data" has a name that is not valid UTF-8/);
    await hasher.close();
  });

  it('hashes a valid name that holds U+FFFD itself as always', async () => {
    const root = await mkdtemp(path.join(tmp, 'p-'));
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', '\uFFFD.txt'), 'replacement\n');
    writeFileSync(path.join(root, 'data', 'plain.txt'), 'plain\n');
    const hasher = await Hasher.open(root);
    const hashed = await hasher.hashPath('data');
    assert.equal(hashed.kind, 'dir');
    const expected = digestManifest([
      { path: '\uFFFD.txt', hash: sha('replacement\n'), size: 12, executable: false },
      { path: 'plain.txt', hash: sha('plain\n'), size: 6, executable: false },
    ]);
    assert.equal(hashed.kind === 'dir' && hashed.digest.hash, expected.hash);
    await hasher.close();
  });

  it('shows valid UTF-8 as text and every other byte, and control characters, as \\xNN', () => {
    assert.equal(showBytes(Buffer.concat([Buffer.from('café-'), Buffer.from([0xff, 0xc3]), Buffer.from('\n.txt')])), 'café-\\xff\\xc3\\x0a.txt');
    assert.equal(showBytes(Buffer.from([0xed, 0xa0, 0x80])), '\\xed\\xa0\\x80', 'an encoded surrogate is not valid UTF-8');
    assert.equal(showBytes(Buffer.from('日本語 ✓')), '日本語 ✓');
  });
});

describe('a stage whose directory dep holds such a name', () => {
  it('fails with the message instead of leaving the file out of the hash', async (t) => {
    const project = await tempProject({
      'pipeline.yaml': 'stages:\n  s:\n    cmd: cat data/* > sum.txt\n    deps: [data]\n    outs: [sum.txt]\n',
      'data/ok.txt': 'ok\n',
    });
    try {
      if (!writeBytesName(path.join(project.root, 'data'), LATIN1_NAME, 'one\n')) return t.skip('this file system only takes UTF-8 names');
      const result = await runCli(project.root, ['run']);
      assert.equal(result.exitCode, 1, result.stdout + result.stderr);
      assert.match(result.stdout + result.stderr, /s failed: pipeline\.yaml:4:\d+: file "data\/caf\\xe9\.txt" in directory "data" has a name that is not valid UTF-8.*rename it/);
    } finally {
      await project.dispose();
    }
  });
});

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
