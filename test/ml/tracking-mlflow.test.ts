import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chunkLogBatch } from '../../stages/lib/tracking/log-batch-chunks.js';
import type { RunInfo, RunRecord } from '../../stages/lib/tracking/run-record.js';
import { Tracker } from '../../stages/lib/tracking/tracker.js';

interface Request {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

/** A tiny MLflow stand-in on 127.0.0.1 that records requests and answers like the server, or with `failWith(path)` when that gives a status. */
async function startFakeMlflow(failWith: (path: string) => number | undefined = () => undefined): Promise<{ uri: string; requests: Request[]; server: Server }> {
  const requests: Request[] = [];
  const experiments = new Map<string, string>();
  let runCount = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const failure = failWith(url.pathname);
      if (failure !== undefined) return reply(failure, { error_code: 'INTERNAL_ERROR', message: 'database is locked' });
      switch (url.pathname) {
        case '/api/2.0/mlflow/experiments/get-by-name': {
          const id = experiments.get(url.searchParams.get('experiment_name') ?? '');
          return id === undefined
            ? reply(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such experiment' })
            : reply(200, { experiment: { experiment_id: id } });
        }
        case '/api/2.0/mlflow/experiments/create':
          experiments.set(String(body?.name), '42');
          return reply(200, { experiment_id: '42' });
        case '/api/2.0/mlflow/runs/create':
          return reply(200, { run: { info: { run_id: `run${++runCount}` } } });
        case '/api/2.0/mlflow/runs/log-batch':
        case '/api/2.0/mlflow/runs/update':
          return reply(200, {});
        default:
          return reply(404, { error_code: 'ENDPOINT_NOT_FOUND' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { uri: `http://127.0.0.1:${port}`, requests, server };
}

describe('chunkLogBatch', () => {
  it('keeps every request within MLflow limits and preserves order', () => {
    const metrics = Array.from({ length: 2300 }, (_, i) => ({ key: 'loss', value: i, timestamp: 0, step: i }));
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
    const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: String(i) }));
    const chunks = chunkLogBatch({ metrics, params, tags });
    for (const chunk of chunks) {
      assert.ok(chunk.metrics.length <= 1000 && chunk.params.length <= 100 && chunk.tags.length <= 100);
      assert.ok(chunk.metrics.length + chunk.params.length + chunk.tags.length <= 1000);
    }
    assert.deepEqual(chunks.flatMap((c) => c.metrics), metrics);
    assert.deepEqual(chunks.flatMap((c) => c.params), params);
    assert.deepEqual(chunks.flatMap((c) => c.tags), tags);
    assert.equal(chunkLogBatch({ metrics: [], params: [], tags: [] }).length, 0);
  });
});

describe('Tracker', () => {
  let fake: Awaited<ReturnType<typeof startFakeMlflow>>;
  let dir: string;
  before(async () => {
    fake = await startFakeMlflow();
    dir = await mkdtemp(join(tmpdir(), 'tracking-'));
  });
  after(async () => {
    fake.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs a parent and a nested child run through the REST API, writes run.json and keeps times and ids in the run info', async () => {
    const warnings: string[] = [];
    let clock = 1000;
    const tracker = new Tracker({ experiment: 'resume-ner', env: { MLFLOW_TRACKING_URI: `${fake.uri}/` }, warn: (w) => warnings.push(w), now: () => clock++ });
    const parent = await tracker.startRun({ name: 'hpo@bilstm', dir: join(dir, 'study') });
    const childDir = join(dir, 'trial_0');
    const infoDir = join(dir, 'info', 'trial_0');
    const child = await tracker.startRun({
      name: 'trial 0',
      dir: childDir,
      infoDir,
      params: { learning_rate: 0.001, hidden: 64, backbone: 'bilstm' },
      tags: { stage: 'hpo@bilstm' },
      ...(parent.mlflowRunId !== undefined ? { parentRunId: parent.mlflowRunId } : {}),
    });
    for (let step = 1; step <= 1200; step++) child.logMetric('train/loss', 1 / step, step);
    child.logMetrics({ 'validation/macro_f1': 0.5, bad: Number.NaN }, 1);
    await writeFile(join(childDir, 'metrics.json'), '{}');
    const { record, info } = await child.finish('FINISHED');
    await parent.finish('FAILED');

    assert.deepEqual(warnings, []);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths.slice(0, 3), [
      'GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=resume-ner',
      'POST /api/2.0/mlflow/experiments/create',
      'POST /api/2.0/mlflow/runs/create',
    ]);
    const creates = fake.requests.filter((r) => r.path.endsWith('runs/create'));
    assert.equal(creates.length, 2);
    assert.deepEqual(creates[1]?.body, {
      experiment_id: '42',
      run_name: 'trial 0',
      start_time: creates[1]?.body?.start_time,
      tags: [
        { key: 'mlflow.runName', value: 'trial 0' },
        { key: 'mlflow.parentRunId', value: 'run1' },
      ],
    });
    const batches = fake.requests.filter((r) => r.path.endsWith('runs/log-batch') && r.body?.run_id === 'run2');
    assert.deepEqual(batches[0]?.body?.params, [
      { key: 'learning_rate', value: '0.001' },
      { key: 'hidden', value: '64' },
      { key: 'backbone', value: 'bilstm' },
    ]);
    const metricCounts = batches.map((b) => (b.body?.metrics as unknown[]).length);
    assert.ok(metricCounts.every((n) => n <= 1000));
    assert.equal(metricCounts.reduce((a, b) => a + b, 0), 1201, 'NaN metric is not sent');
    const updates = fake.requests.filter((r) => r.path.endsWith('runs/update')).map((r) => [r.body?.run_id, r.body?.status]);
    assert.deepEqual(updates, [
      ['run2', 'FINISHED'],
      ['run1', 'FAILED'],
    ]);
    assert.equal(typeof fake.requests.find((r) => r.path.endsWith('runs/update'))?.body?.end_time, 'number');

    const onDisk = JSON.parse(await readFile(join(childDir, 'run.json'), 'utf8')) as RunRecord;
    assert.deepEqual(onDisk, record);
    assert.deepEqual(Object.keys(onDisk), ['name', 'status', 'params', 'tags', 'metrics', 'artifacts']);
    assert.equal(onDisk.status, 'FINISHED');
    assert.deepEqual(onDisk.artifacts, ['metrics.json']);
    assert.equal(onDisk.metrics['train/loss']?.length, 1200);
    assert.deepEqual(onDisk.metrics['train/loss']?.[0], { step: 1, value: 1 });
    assert.deepEqual(onDisk.metrics.bad?.map((p) => p.value), [null]);
    assert.equal(onDisk.params.hidden, '64');

    const infoOnDisk = JSON.parse(await readFile(join(infoDir, 'run.json'), 'utf8')) as RunInfo;
    assert.deepEqual(infoOnDisk, info);
    assert.equal(info.parentRunId, 'run1');
    assert.deepEqual(info.mlflow, { trackingUri: `${fake.uri}/`, experimentId: '42', runId: 'run2' });
    assert.equal(info.startTime, creates[1]?.body?.start_time);
    assert.ok(info.endTime > info.startTime);
    assert.equal(info.metricTimes['train/loss']?.length, 1200);
    assert.deepEqual(info.metricTimes.bad?.map((t) => t.step), [1]);
  });

  it('reuses an existing experiment', async () => {
    fake.requests.length = 0;
    const tracker = new Tracker({ experiment: 'resume-ner', env: { MLFLOW_TRACKING_URI: fake.uri }, warn: () => {} });
    await (await tracker.startRun({ name: 'again', dir: join(dir, 'again') })).finish('FINISHED');
    assert.ok(!fake.requests.some((r) => r.path.endsWith('experiments/create')));
  });

  it('turns an unreachable server into a warning and still writes run.json', async () => {
    const closed = await startFakeMlflow();
    closed.server.close();
    const warnings: string[] = [];
    const tracker = new Tracker({ experiment: 'x', env: { MLFLOW_TRACKING_URI: closed.uri }, warn: (w) => warnings.push(w) });
    const run = await tracker.startRun({ name: 'offline', dir: join(dir, 'offline'), params: { a: 1 } });
    run.logMetric('loss', 0.5, 1);
    const { info } = await run.finish('FINISHED');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /MLflow: cannot use experiment 'x' at http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(info.mlflow, undefined);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'offline', 'run.json'), 'utf8')).params, { a: '1' });
  });

  it('a failed log request still ends the MLflow run, with a warning saying what was not sent', async () => {
    const failing = await startFakeMlflow((path) => (path.endsWith('runs/log-batch') ? 500 : undefined));
    try {
      const warnings: string[] = [];
      const tracker = new Tracker({ experiment: 'x', env: { MLFLOW_TRACKING_URI: failing.uri }, warn: (w) => warnings.push(w) });
      const run = await tracker.startRun({ name: 'flaky', dir: join(dir, 'flaky'), params: { a: 1 } });
      assert.equal(run.mlflowRunId, 'run1');
      for (let epoch = 1; epoch <= 3; epoch++) {
        run.logMetric('loss', 1 / epoch, epoch);
        await run.flush();
      }
      const { record, info } = await run.finish('FINISHED');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /MLflow: could not log params for 'flaky' \(POST http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/mlflow\/runs\/log-batch: HTTP 500 INTERNAL_ERROR database is locked\)/);
      assert.match(warnings[0] ?? '', /run\.json/);
      // No more log requests after the first failure, but the run is ended rather than left RUNNING.
      assert.equal(failing.requests.filter((r) => r.path.endsWith('runs/log-batch')).length, 1);
      assert.deepEqual(failing.requests.filter((r) => r.path.endsWith('runs/update')).map((r) => [r.body?.run_id, r.body?.status]), [['run1', 'FINISHED']]);
      assert.equal(info.mlflow?.runId, 'run1');
      assert.equal(record.metrics.loss?.length, 3);
    } finally {
      failing.server.close();
    }
  });

  it('only writes run.json when MLFLOW_TRACKING_URI is not an http(s) URL', async () => {
    const tracker = new Tracker({ experiment: 'x', env: { MLFLOW_TRACKING_URI: './mlruns' }, warn: () => assert.fail('no warning expected') });
    assert.equal(tracker.trackingUri, undefined);
    const { record } = await (await tracker.startRun({ name: 'local', dir: join(dir, 'local') })).finish('FINISHED');
    assert.equal(record.status, 'FINISHED');
  });

  it('writes the same run.json bytes whatever the clock says', async () => {
    const record = async (name: string, start: number) => {
      let clock = start;
      const tracker = new Tracker({ experiment: 'x', env: {}, warn: () => {}, now: () => (clock += 7) });
      const run = await tracker.startRun({ name: 'same', dir: join(dir, name), infoDir: join(dir, `${name}-info`), params: { lr: 0.01 } });
      run.logMetrics({ loss: 0.5, f1: 0.25 }, 1);
      run.logMetric('loss', 0.4, 2);
      await run.finish('FINISHED');
      return {
        record: await readFile(join(dir, name, 'run.json')),
        info: JSON.parse(await readFile(join(dir, `${name}-info`, 'run.json'), 'utf8')) as RunInfo,
      };
    };
    const early = await record('clock-a', 1_000);
    const late = await record('clock-b', 9_000_000);
    assert.ok(early.record.equals(late.record));
    assert.deepEqual([early.info.startTime, late.info.startTime], [1_007, 9_000_007]);
    assert.deepEqual(late.info.metricTimes.loss?.map((t) => t.step), [1, 2]);
  });
});
