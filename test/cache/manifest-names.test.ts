// Directory manifests must have exactly one reading for every possible file name, while the bytes
// (and so the hashes in committed locks) of every ordinary directory stay what they always were.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { digestDirectory } from '../../src/cache/directory-digest.js';
import { ObjectStore } from '../../src/cache/object-store.js';
import { digestManifest, parseManifest, serializeManifest, type ManifestEntry } from '../../src/hash/manifest.js';
import { runCli, statuses } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';
import { makeTempDir, sha256 } from './temp-dir.js';

const entry = (path: string, content = 'x', executable = false): ManifestEntry => ({ path, hash: sha256(content), size: Buffer.byteLength(content), executable });

/** The one format every manifest had before quoting: path written as is. */
const plainLine = (e: ManifestEntry): string => `${e.hash} ${e.size} ${e.executable ? 'x' : '-'} ${e.path}\n`;

const awkwardNames = [
  'line\nbreak',
  '\nleading newline',
  'trailing newline\n',
  '"quoted"',
  '"',
  'carriage\rreturn',
  'crlf\r\nname',
  'sep\u2028and\u2029para',
  'back\\slash',
  'mid"quote',
  ' leading space',
  'trailing space ',
  'tab\there',
  'ünïcödé ✓',
  'sub/"quoted dir"/f',
  'sub/line\nbreak/f',
];

describe('manifest names', () => {
  test('a name with no newline and no leading quote is written exactly as before', () => {
    const entries = [
      entry('b.txt', 'bee'),
      entry('a dir/with spaces.txt', 'ay', true),
      entry('carriage\rreturn'),
      entry('mid"quote'),
      entry('back\\slash'),
      entry('sep\u2028and\u2029para'),
      entry('ünïcödé ✓'),
    ];
    const text = serializeManifest(entries);
    assert.equal(text, [...entries].sort((a, b) => (a.path < b.path ? -1 : 1)).map(plainLine).join(''));
    assert.equal(digestManifest(entries).hash, sha256(text));
  });

  test('the hash of a plain directory is unchanged', () => {
    // Recorded by earlier versions for a directory with p = "one" and q = "two".
    const recorded = 'a2ab7ec8cede0dce26e4f3e30af7c4215b87d063e75f69f5aecf6406e32202b3';
    assert.equal(sha256(`${sha256('one')} 3 - p\n${sha256('two')} 3 - q\n`), recorded);
    assert.equal(digestManifest([entry('q', 'two'), entry('p', 'one')]).hash, recorded);
  });

  test('a name with a newline or a leading quote is written as one JSON string line', () => {
    for (const path of ['line\nbreak', '"quoted"', 'crlf\r\nname']) {
      const text = serializeManifest([entry(path)]);
      assert.equal(text, `${sha256('x')} 1 - ${JSON.stringify(path)}\n`);
      assert.equal(text.split('\n').length, 2, 'one line');
    }
  });

  test('every awkward name survives a round trip, alone and together', () => {
    for (const path of awkwardNames) assert.deepEqual(parseManifest(serializeManifest([entry(path)])), [entry(path)]);
    const all = awkwardNames.map((path, i) => entry(path, `content ${i}`, i % 2 === 0));
    const parsed = parseManifest(serializeManifest(all));
    assert.deepEqual(parsed, digestManifest(all).entries);
    assert.equal(serializeManifest(parsed), serializeManifest(all));
  });

  test('a name cannot pass for other entries', () => {
    const q = entry('q', 'two');
    const forged = [entry(`p\n${q.hash} ${q.size} - q`, 'one')];
    assert.notEqual(digestManifest(forged).hash, digestManifest([entry('p', 'one'), q]).hash);
    const quoted = [entry(JSON.stringify('a\nb'))];
    assert.notEqual(digestManifest(quoted).hash, digestManifest([entry('a\nb')]).hash, 'a name that looks quoted is not its unquoted reading');
    assert.deepEqual(parseManifest(serializeManifest(quoted)), quoted);
  });

  test('anything the serializer would not write is rejected', () => {
    const h = sha256('x');
    const bad = [
      `${h} 1 - "plain"\n`.replace('"plain"', JSON.stringify('plain')), // quoted without need
      `${h} 1 - "a\\u000ab"\n`, // not the canonical JSON form of "a\nb"
      `${h} 1 - "a\\nb\n`, // unterminated
      `${h} 1 - ../escape\n`,
      `${h} 1 - a/../b\n`,
      `${h} 1 - ./a\n`,
      `${h} 1 - /abs\n`,
      `${h} 1 - a//b\n`,
      `${h} 1 - ${JSON.stringify('../\nx')}\n`,
      `${h} 1 - b\n${h} 1 - a\n`, // out of order
      `${h} 1 - a\n${h} 1 - a\n`, // repeated
      `${h} 1 - a`, // no final newline
      `${h} 1 - a\n\n`,
      `${h} 01 - a\n`,
    ];
    for (const text of bad) assert.throws(() => parseManifest(text), /malformed manifest line/, JSON.stringify(text));
    assert.deepEqual(parseManifest(''), []);
  });

  test('digestDirectory and the object store handle such names', async () => {
    const dir = await makeTempDir();
    const data = join(dir, 'data');
    await mkdir(join(data, 'sub\nx'), { recursive: true });
    const names = ['a\nb', '"q"', 'c\rd', 'sub\nx/e'];
    for (const [i, name] of names.entries()) await writeFile(join(data, name), `file ${i}`);
    const digest = await digestDirectory(data);
    assert.deepEqual(digest.entries.map((e) => e.path), [...names].sort());
    const store = await ObjectStore.open(join(dir, 'cache'));
    await store.addTree(data, digest);
    assert.deepEqual(await store.readTree(digest.hash), digest.entries);
    const restored = await store.restore(digest.hash, 'dir', join(dir, 'back'), { verify: true });
    assert.equal(restored.ok, true);
    for (const [i, name] of names.entries()) assert.equal(await readFile(join(dir, 'back', name), 'utf8'), `file ${i}`);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('manifest names through the CLI', () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({
      'pipeline.yaml': `
stages:
  names:
    cmd: mkdir -p n/sub && printf one > "n/$(printf 'a\\nb')" && printf two > "n/$(printf 'c\\rd')" && printf three > 'n/"q"' && printf four > "n/sub/$(printf 'e\\nf')"
    outs: [n/]
  pq:
    cmd: mkdir -p d && printf one > d/p && printf two > d/q
    outs: [d/]
`,
    });
    const first = await runCli(project.root, ['run', '--json']);
    assert.equal(first.exitCode, 0, first.stderr);
  });
  after(() => project.dispose());

  test('a directory out with newline, carriage-return and quote names is restored, not rerun', async () => {
    await project.remove('n');
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(statuses(result.events).names, 'restored');
    assert.deepEqual((await readdir(join(project.root, 'n'))).sort(), ['"q"', 'a\nb', 'c\rd', 'sub'].sort());
    assert.equal(await project.read('n/a\nb'), 'one');
    assert.equal(await project.read('n/c\rd'), 'two');
    assert.equal(await project.read('n/"q"'), 'three');
    assert.equal(await project.read('n/sub/e\nf'), 'four');
    const status = await runCli(project.root, ['status']);
    assert.match(status.stdout, /everything is up to date/);
  });

  test('a file whose name embeds a manifest line does not pass for the files it names', async () => {
    await project.remove('d');
    await project.write(`d/p\n${sha256('two')} 3 - q`, 'one');
    const status = await runCli(project.root, ['status', '--json']);
    assert.equal(status.exitCode, 0, status.stderr);
    const rows = JSON.parse(status.stdout) as { stage: string; state: string; reasons: { kind: string; path?: string }[] }[];
    const pq = rows.find((r) => r.stage === 'pq');
    assert.equal(pq?.state, 'stale');
    assert.deepEqual(pq?.reasons.map((r) => [r.kind, r.path]), [['out-changed', 'd']]);
  });
});
