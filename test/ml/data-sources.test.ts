import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { buildDataset } from '../../stages/lib/data/build-dataset.js';
import { parseDataConfig } from '../../stages/lib/data/config.js';
import { DatasetError } from '../../stages/lib/data/errors.js';
import { sha256Hex } from '../../stages/lib/data/sources/checksum.js';
import { kaggleCredentials } from '../../stages/lib/data/sources/kaggle.js';

const records = Array.from({ length: 20 }, (_, i) => ({
  text: `Ana ${i} 😀 knows Python`,
  annotations: i % 2 ? [[0, 5, 'PERSON'], [16, 22, 'SKILL']] : JSON.stringify([[0, 5, 'PERSON']]),
}));
const trainJson = JSON.stringify(records);
const zip = zipSync({ 'README.md': strToU8('# data'), 'data/train.json': strToU8(trainJson) });
const auth = `Basic ${Buffer.from('user:secret').toString('base64')}`;

let server: Server;
let storage: Server;
let base: string;
let storageBase: string;
let tempDir: string;
const requests: string[] = [];

before(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'dataset-sources-'));
  storage = createServer((request, response) => {
    requests.push(`storage ${request.url} ${request.headers.authorization ?? '-'}`);
    response.writeHead(200).end(Buffer.from(zip));
  });
  await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
  storageBase = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
  server = createServer((request, response) => {
    requests.push(`${request.url} ${request.headers.authorization ?? '-'}`);
    if (request.url === '/api/v1/datasets/download/yashpwrr/resume-ner-training-dataset') {
      if (request.headers.authorization !== auth) return void response.writeHead(401).end('unauthorized');
      return void response.writeHead(302, { location: `${storageBase}/signed.zip?sig=1` }).end();
    }
    if (request.url === '/storage/signed.zip') return void response.writeHead(200).end(Buffer.from(zip));
    if (request.url === '/plain.json') return void response.writeHead(301, { location: '/storage/signed.zip' }).end();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => storage.close(resolve));
  await rm(tempDir, { recursive: true, force: true });
});

const kaggleConfig = (extra: Record<string, unknown> = {}) =>
  parseDataConfig({ source: 'kaggle', kaggle: { base }, labels: { map: { PERSON: 'NAME', SKILL: 'SKILLS' } }, ...extra }, 'k.yaml');

describe('kaggle source', () => {
  it('downloads with Basic auth, follows the redirect to storage without credentials, unzips and converts the data file', async () => {
    requests.length = 0;
    const env = { KAGGLE_USERNAME: 'user', KAGGLE_KEY: 'secret', KAGGLE_CONFIG_DIR: tempDir };
    const dataset = await buildDataset(kaggleConfig({ sha256: sha256Hex(strToU8(trainJson)) }), { root: tempDir, configFile: 'k.yaml', env });
    assert.deepEqual(requests, [`/api/v1/datasets/download/yashpwrr/resume-ner-training-dataset ${auth}`, 'storage /signed.zip?sig=1 -']);
    assert.equal(dataset.splits.train.length + dataset.splits.validation.length, 20);
    assert.equal(dataset.splits.validation.length, 3);
    assert.deepEqual(dataset.labels.entityTypes, ['NAME', 'SKILLS']);
    assert.deepEqual(dataset.stats.splits.train?.perType, { NAME: 17, SKILLS: dataset.splits.train.filter((s) => Number(s.tokens[1]) % 2 === 1).length });
    const odd = dataset.splits.train.find((s) => s.tokens[1] === '1');
    assert.deepEqual(odd?.tags, ['B-NAME', 'I-NAME', 'O', 'O', 'B-SKILLS']);
    const [first] = dataset.splits.train;
    assert.deepEqual(first?.tokens, ['Ana', '0', '😀', 'knows', 'Python']);
    assert.deepEqual(dataset.stats.source, { kind: 'kaggle', format: 'auto', dataset: 'yashpwrr/resume-ner-training-dataset', files: ['kaggle:yashpwrr/resume-ner-training-dataset/data/train.json'] });
  });

  it('reads credentials from kaggle.json in KAGGLE_CONFIG_DIR', async () => {
    await writeFile(path.join(tempDir, 'kaggle.json'), JSON.stringify({ username: 'user', key: 'secret' }));
    const dataset = await buildDataset(kaggleConfig(), { root: tempDir, configFile: 'k.yaml', env: { KAGGLE_CONFIG_DIR: tempDir } });
    assert.equal(dataset.splits.train.length, 17);
    await rm(path.join(tempDir, 'kaggle.json'));
  });

  it('names the env vars and the file when credentials are missing', async () => {
    await assert.rejects(kaggleCredentials({ KAGGLE_CONFIG_DIR: tempDir }), (error: unknown) => {
      assert.ok(error instanceof DatasetError);
      assert.match(error.message, /KAGGLE_USERNAME and KAGGLE_KEY/);
      assert.ok(error.message.includes(path.join(tempDir, 'kaggle.json')));
      return true;
    });
  });

  it('reports rejected credentials, a missing file in the archive and network failures clearly', async () => {
    const options = { root: tempDir, configFile: 'k.yaml', env: { KAGGLE_USERNAME: 'user', KAGGLE_KEY: 'wrong' } };
    await assert.rejects(buildDataset(kaggleConfig(), options), /HTTP 401.*KAGGLE_USERNAME\/KAGGLE_KEY/);
    const good = { ...options, env: { KAGGLE_USERNAME: 'user', KAGGLE_KEY: 'secret' } };
    await assert.rejects(
      buildDataset(kaggleConfig({ kaggle: { base, file: 'test.json' } }), good),
      /no file "test\.json" in the archive \(it holds: README\.md, data\/train\.json\)/,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(
      buildDataset(kaggleConfig({ kaggle: { base: `http://127.0.0.1:${port}` } }), good),
      /network error \(ECONNREFUSED\)/,
    );
  });
});

describe('url source', () => {
  it('follows redirects, unzips and checks the sha256 pin of what it downloaded', async () => {
    const url = `${base}/plain.json`;
    const dataset = await buildDataset(parseDataConfig({ source: 'url', url, sha256: sha256Hex(zip) }, 'u.yaml'), { root: tempDir, configFile: 'u.yaml' });
    assert.equal(dataset.splits.train.length, 17);
    await assert.rejects(
      buildDataset(parseDataConfig({ source: 'url', url, sha256: 'a'.repeat(64) }, 'u.yaml'), { root: tempDir, configFile: 'u.yaml' }),
      new RegExp(`plain\\.json: sha256 mismatch: expected a{64} .*got ${sha256Hex(zip)}`),
    );
  });
});
