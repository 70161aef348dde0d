import assert from 'node:assert/strict';
import { open, rename, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import type { ResultPromise } from 'execa';
import type { DagEvent } from '../../src/events.js';
import { acquireProjectMutex } from '../../src/project-mutex.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

type Cycle = Extract<DagEvent, { type: 'watch-cycle' }>;

const running = new Set<ResultPromise>();
// A failed assertion must not leave a watcher running: the test process would never exit.
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** A running `dagmake watch --json`, read event by event. */
class Watch {
  readonly events: DagEvent[] = [];
  readonly #process: ResultPromise;
  #buffer = '';
  #waiters: (() => void)[] = [];

  constructor(root: string, args: readonly string[] = []) {
    this.#process = spawnCli(root, ['watch', '--json', '--debounce', '50', ...args]);
    running.add(this.#process);
    void this.#process.then(() => running.delete(this.#process));
    this.#process.stdout!.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      const lines = this.#buffer.split('\n');
      this.#buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('{')) this.events.push(JSON.parse(line) as DagEvent);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** The first event from index `from` on that matches; fails the test after `timeoutMs`. */
  async waitFor(match: (event: DagEvent) => boolean, from = 0, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e, i) => i >= from && match(e));
      if (index >= 0) return index;
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for an event; got:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the idle marker after `from`; returns its index. */
  idle(from = 0): Promise<number> {
    return this.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'idle', from);
  }

  cyclesBetween(from: number, to = this.events.length): Cycle[] {
    return this.events.slice(from, to).filter((e): e is Cycle => e.type === 'watch-cycle' && e.phase === 'start');
  }

  stagesBetween(from: number, to: number, status: string): string[] {
    return this.events
      .slice(from, to)
      .filter((e) => e.type === 'stage' && e.status === status)
      .map((e) => (e.type === 'stage' ? e.stage : ''));
  }

  async stop(): Promise<number> {
    this.#process.kill('SIGINT');
    const result = await this.#process;
    return result.exitCode ?? -1;
  }
}

/**
 * Writes the sentinel (the dep of stage `sentinel`) and waits for that cycle to go idle: every
 * change made before it has been looked at by then. Returns the idle marker's index.
 */
async function settle(watch: Watch, project: TempProject, from: number): Promise<number> {
  await project.write('sentinel.txt', `${Date.now()}-${Math.random()}\n`);
  const start = await watch.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'start' && e.changed.includes('sentinel.txt'), from);
  return watch.idle(start);
}

const stageApi = path.resolve(process.cwd(), 'src/stage-api.ts');

const SENTINEL_STAGE = `  sentinel: {cmd: cp sentinel.txt sentinel.out, deps: [sentinel.txt], outs: [sentinel.out]}\n`;

const projects: TempProject[] = [];
async function project(files: Record<string, string>): Promise<TempProject> {
  const p = await tempProject({ 'sentinel.txt': 'start\n', ...files });
  projects.push(p);
  return p;
}
after(() => Promise.all(projects.map((p) => p.dispose())));

describe('watch', () => {
  test('a selected param reruns only its stage; unselected keys, touches and same-byte saves run nothing', async () => {
    const p = await project({
      'params.yaml': 'lr: 1\nepochs: 3\nunused: a\n',
      'data.txt': 'rows\n',
      'pipeline.yaml': `stages:
  train: {cmd: echo trained > model.txt, params: [{params.yaml: [lr]}], outs: [model.txt]}
  prep: {cmd: cp data.txt prep.txt, deps: [data.txt], params: [{params.yaml: [epochs]}], outs: [prep.txt]}
${SENTINEL_STAGE}`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    assert.deepEqual(watch.stagesBetween(0, first, 'ran').sort(), ['prep', 'sentinel', 'train']);

    await p.write('params.yaml', 'lr: 2\nepochs: 3\nunused: a\n');
    const idle = await watch.idle(first + 1);
    assert.deepEqual(watch.cyclesBetween(first, idle).map((c) => c.changed), [['params.yaml']]);
    assert.deepEqual(watch.stagesBetween(first, idle, 'ran'), ['train']);

    await p.write('params.yaml', 'lr: 2\nepochs: 3\nunused: b\n');
    await p.write('data.txt', 'rows\n');
    const now = new Date();
    await utimes(path.join(p.root, 'params.yaml'), now, now);
    const settled = await settle(watch, p, idle + 1);
    assert.deepEqual(watch.cyclesBetween(idle, settled).map((c) => c.changed), [['sentinel.txt']]);
    assert.deepEqual(watch.stagesBetween(idle, settled, 'ran'), ['sentinel']);
    assert.equal(await watch.stop(), 130);
  });

  test('twenty rapid saves make one rerun; an atomic rename save is seen', async () => {
    const p = await project({
      'data.txt': 'v0\n',
      'pipeline.yaml': `stages:
  copy: {cmd: cp data.txt copy.txt, deps: [data.txt], outs: [copy.txt]}
${SENTINEL_STAGE}`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    for (let i = 1; i <= 20; i++) await p.write('data.txt', `v${i}\n`);
    const settled = await settle(watch, p, first + 1);
    assert.equal(watch.stagesBetween(first, settled, 'ran').filter((s) => s === 'copy').length, 1);
    assert.equal(await p.read('copy.txt'), 'v20\n');

    await writeFile(path.join(p.root, '.data.txt.tmp'), 'renamed\n');
    await rename(path.join(p.root, '.data.txt.tmp'), path.join(p.root, 'data.txt'));
    const start = await watch.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'start', settled + 1);
    assert.deepEqual((watch.events[start] as Cycle).changed, ['data.txt']);
    await watch.idle(start);
    assert.equal(await p.read('copy.txt'), 'renamed\n');
    assert.equal(await watch.stop(), 130);
  });

  test('a config written in pieces, with pauses longer than the debounce, is read once it is complete', async () => {
    const p = await project({
      'config.yaml': 'model:\n  lr: 0.1\n  layers: 2\n',
      'pipeline.yaml': `stages:
  train: {cmd: cp config.yaml model.txt, params: [{config.yaml: [model.lr, model.layers]}], outs: [model.txt]}
`,
    });
    const watch = new Watch(p.root, ['--settle', '600']);
    const first = await watch.idle();
    // Rewritten in place, a line at a time: every piece but the last lacks a selected key.
    const file = await open(path.join(p.root, 'config.yaml'), 'w');
    for (const piece of ['model:\n', '  lr: 0.2\n', '  layers: 4\n']) {
      await file.write(piece);
      await file.sync();
      await sleep(150);
    }
    await file.close();
    const ran = await watch.waitFor((e) => e.type === 'stage' && e.stage === 'train' && e.status === 'ran', first + 1);
    const idle = await watch.idle(ran);
    assert.deepEqual(watch.cyclesBetween(first, idle).map((c) => c.changed), [['config.yaml']]);
    assert.deepEqual(watch.events.slice(first, idle).filter((e) => e.type === 'diagnostics'), [], 'no half-written file was read');
    assert.equal(await p.read('model.txt'), 'model:\n  lr: 0.2\n  layers: 4\n');
    assert.equal(await watch.stop(), 130);
  });

  test('--settle takes a whole number of milliseconds', async () => {
    const p = await project({ 'pipeline.yaml': 'stages:\n  a: {cmd: echo a > a.txt, outs: [a.txt]}\n' });
    const result = await runCli(p.root, ['watch', '--settle', 'soon']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /--settle/);
  });

  test('a deleted dep is reported, and its stage reruns when it comes back', async () => {
    const p = await project({
      'in/a.txt': 'one\n',
      'pipeline.yaml': `stages:
  copy: {cmd: cp in/a.txt copy.txt, deps: [in/a.txt], outs: [copy.txt]}
`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    await p.remove('in');
    const diagnostics = await watch.waitFor((e) => e.type === 'diagnostics', first + 1);
    const messages = (watch.events[diagnostics] as Extract<DagEvent, { type: 'diagnostics' }>).messages;
    assert.match(messages.join('\n'), /in\/a\.txt/);
    const idle = await watch.idle(diagnostics);
    // Still watched: waiting for it to come back.
    assert.equal((watch.events[idle] as Cycle).watchedFiles, (watch.events[first] as Cycle).watchedFiles);
    await p.write('in/a.txt', 'two\n');
    const ran = await watch.waitFor((e) => e.type === 'stage' && e.stage === 'copy' && e.status === 'ran', idle + 1);
    await watch.idle(ran);
    assert.equal(await p.read('copy.txt'), 'two\n');
    assert.equal(await watch.stop(), 130);
  });

  test('an invalid pipeline is reported and watching goes on until it is fixed', async () => {
    const p = await project({
      'vars.yaml': 'word: two\n',
      'pipeline.yaml': `stages:
  hello: {cmd: echo one > hello.txt, outs: [hello.txt]}
`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    await p.write('pipeline.yaml', 'stages:\n  hello: {cmd: [unclosed\n');
    const diagnostics = await watch.waitFor((e) => e.type === 'diagnostics', first + 1);
    await p.write('pipeline.yaml', `vars: [vars.yaml]\nstages:\n  hello: {cmd: "echo \${word} > hello.txt", outs: [hello.txt]}\n`);
    const start = await watch.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'start', diagnostics + 1);
    assert.deepEqual((watch.events[start] as Cycle).changed, ['pipeline.yaml']);
    const fixed = await watch.idle(start);
    assert.equal(await p.read('hello.txt'), 'two\n');
    await p.write('vars.yaml', 'word: three\n');
    const again = await watch.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'start', fixed + 1);
    assert.deepEqual((watch.events[again] as Cycle).changed, ['vars.yaml']);
    await watch.idle(again);
    assert.equal(await p.read('hello.txt'), 'three\n');
    assert.equal(await watch.stop(), 130);
  });

  test('a vars file that is broken or missing when watching starts is watched, and fixing it runs', async () => {
    const p = await project({
      'vars.yaml': 'word: [unclosed\n',
      'pipeline.yaml': `vars: [vars.yaml, more.yaml]
stages:
  hello: {cmd: "echo \${word} \${other} > hello.txt", outs: [hello.txt]}
`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    const messages = (from: number, to: number) =>
      watch.events.slice(from, to).flatMap((e) => (e.type === 'diagnostics' ? e.messages : [])).join('\n');
    assert.match(messages(0, first), /^vars\.yaml:2:1 error: invalid YAML/m);
    assert.match(messages(0, first), /"more\.yaml" not found/);
    await p.write('vars.yaml', 'word: two\n');
    const second = await watch.waitFor((e) => e.type === 'diagnostics', first + 1);
    assert.doesNotMatch(messages(second, second + 1), /invalid YAML/);
    assert.match(messages(second, second + 1), /"more\.yaml" not found/);
    await p.write('more.yaml', 'other: three\n');
    const start = await watch.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'start', second + 1);
    assert.deepEqual((watch.events[start] as Cycle).changed, ['more.yaml', 'vars.yaml']);
    await watch.idle(start);
    assert.equal(await p.read('hello.txt'), 'two three\n');
    assert.equal(await watch.stop(), 130);
  });

  test('a missing pipeline file or an unknown target exits 2 at once instead of watching', async () => {
    const p = await project({ 'pipeline.yaml': 'stages:\n  hello: {cmd: echo one > hello.txt, outs: [hello.txt]}\n' });
    const run = async (args: string[], cwd = p.root) => {
      const child = spawnCli(cwd, args);
      running.add(child);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        return await child;
      } finally {
        clearTimeout(timer);
      }
    };
    const unknown = await run(['watch', 'helo']);
    assert.equal(unknown.exitCode, 2);
    assert.match(String(unknown.stderr), /^error: unknown stage "helo"\n {2}hint: did you mean "hello"\?$/);
    await p.write('elsewhere/.git', '');
    const missing = await run(['watch'], path.join(p.root, 'elsewhere'));
    assert.equal(missing.exitCode, 2);
    assert.match(String(missing.stderr), /^error: pipeline file "pipeline\.yaml" not found/);
  });

  test('a change during a run restarts only the stale stage; the unrelated running stage finishes', async () => {
    const p = await project({
      'slow.in': 'old\n',
      'pipeline.yaml': `stages:
  slow: {cmd: sleep 1.5 && cp slow.in slow.out, deps: [slow.in], outs: [slow.out]}
  other: {cmd: sleep 1.5 && echo other > other.out, outs: [other.out]}
`,
    });
    const watch = new Watch(p.root, ['-j', '2']);
    const started = (stage: string) => (e: DagEvent) => e.type === 'stage-start' && e.stage === stage;
    await watch.waitFor(started('slow'));
    await watch.waitFor(started('other'));
    await p.write('slow.in', 'new\n');
    const idle = await watch.idle();
    assert.deepEqual(watch.stagesBetween(0, idle, 'cancelled'), ['slow']);
    assert.ok(watch.events.some((e) => e.type === 'stage' && e.status === 'cancelled' && e.restarted), 'the cancel is marked as a restart');
    assert.deepEqual(watch.stagesBetween(0, idle, 'ran').sort(), ['other', 'slow']);
    assert.equal(watch.cyclesBetween(0, idle).length, 1);
    const summary = watch.events.find((e) => e.type === 'summary');
    assert.ok(summary?.type === 'summary' && summary.ran === 2 && summary.cancelled === 0, 'the restarted stage is counted once, as ran');
    assert.equal(await p.read('slow.out'), 'new\n');
    assert.equal(await watch.stop(), 130);
  });

  test('an edit upstream stops the running downstream stage at once; the next cycle runs both on the new input', async () => {
    const p = await project({
      'delay.txt': '30\n',
      'pipeline.yaml': `stages:
  prep: {cmd: cp delay.txt prep.txt, deps: [delay.txt], outs: [prep.txt]}
  train: {cmd: 'sleep $(cat prep.txt) && cp prep.txt model.txt', deps: [prep.txt], outs: [model.txt]}
  report: {cmd: cp model.txt report.txt, deps: [model.txt], outs: [report.txt]}
`,
    });
    const watch = new Watch(p.root);
    await watch.waitFor((e) => e.type === 'stage-start' && e.stage === 'train');
    await p.write('delay.txt', '0.1\n');
    // Long before train's 30 seconds are up.
    const stopped = await watch.waitFor((e) => e.type === 'stage' && e.stage === 'train' && e.status === 'cancelled');
    assert.equal((watch.events[stopped] as { restarted?: true }).restarted, true, 'reported as a restart, not a cancel');
    const second = await watch.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'start' && e.cycle === 2, stopped);
    const firstEnd = watch.events.findIndex((e) => e.type === 'watch-cycle' && e.phase === 'end');
    // The first cycle leaves train and what needs it to the second: nothing is skipped or counted as cancelled.
    assert.deepEqual(watch.stagesBetween(0, firstEnd, 'ran'), ['prep']);
    assert.deepEqual(watch.stagesBetween(0, firstEnd, 'skipped'), []);
    const summary = watch.events.slice(0, firstEnd).find((e) => e.type === 'summary');
    assert.ok(summary?.type === 'summary' && summary.cancelled === 0 && summary.ran === 1, JSON.stringify(summary));
    assert.deepEqual((watch.events[second] as Cycle).changed, ['delay.txt']);
    const idle = await watch.idle(second);
    assert.deepEqual(watch.stagesBetween(second, idle, 'ran'), ['prep', 'train', 'report']);
    assert.equal(watch.cyclesBetween(0, idle).length, 2);
    assert.equal(await p.read('report.txt'), '0.1\n');
    assert.equal(await watch.stop(), 130);
    assert.match((await runCli(p.root, ['status'])).stdout, /everything is up to date/);
  });

  test('a pipeline edit stops the running stages it redefines or removes, and leaves the others running', async () => {
    const slow = (seconds: number) => `  slow: {cmd: sleep ${seconds} && echo slow > slow.out, outs: [slow.out]}\n`;
    const rest = `  other: {cmd: sleep 1.5 && echo other > other.out, outs: [other.out]}
  after: {cmd: cp slow.out after.out, deps: [slow.out], outs: [after.out]}
`;
    const p = await project({ 'pipeline.yaml': `stages:\n${slow(30)}${rest}` });
    const watch = new Watch(p.root, ['-j', '2']);
    await watch.waitFor((e) => e.type === 'stage-start' && e.stage === 'slow');
    await watch.waitFor((e) => e.type === 'stage-start' && e.stage === 'other');
    // Also a new stage and a comment: neither concerns `other`.
    await p.write('pipeline.yaml', `# edited\nstages:\n${slow(0.1)}${rest}  added: {cmd: echo added > added.out, outs: [added.out]}\n`);
    const stopped = await watch.waitFor((e) => e.type === 'stage' && e.stage === 'slow' && e.status === 'cancelled');
    assert.equal((watch.events[stopped] as { restarted?: true }).restarted, true);
    const second = await watch.waitFor((e) => e.type === 'watch-cycle' && e.phase === 'start' && e.cycle === 2, stopped);
    assert.deepEqual(watch.stagesBetween(0, second, 'ran'), ['other']);
    const idle = await watch.idle(second);
    assert.deepEqual(watch.stagesBetween(second, idle, 'ran').sort(), ['added', 'after', 'slow']);
    assert.deepEqual(watch.stagesBetween(second, idle, 'up-to-date'), ['other']);
    assert.equal(await watch.stop(), 130);
    assert.match((await runCli(p.root, ['status'])).stdout, /everything is up to date/);
  });

  test('a stage restarted for a params edit gets the new values, and records them', async () => {
    const p = await project({
      'params.yaml': 'lr: 1\n',
      'pipeline.yaml': `stages:
  train: {cmd: sleep 1.5 && echo trained > model.txt, params: [{params.yaml: [lr]}], outs: [model.txt]}
`,
    });
    const watch = new Watch(p.root);
    await watch.waitFor((e) => e.type === 'stage-start' && e.stage === 'train');
    await p.write('params.yaml', 'lr: 2\n');
    const idle = await watch.idle();
    assert.ok(watch.events.some((e) => e.type === 'stage' && e.restarted), 'train was restarted');
    assert.deepEqual(watch.stagesBetween(0, idle, 'ran'), ['train']);
    assert.equal(await watch.stop(), 130);
    assert.match((await runCli(p.root, ['status'])).stdout, /everything is up to date/);
  });

  test('a params edit during a run restarts only the running stages whose own keys changed', async () => {
    const p = await project({
      'params.yaml': 'lr: 1\nepochs: 3\n',
      'pipeline.yaml': `stages:
  train: {cmd: sleep 1.5 && echo trained > model.txt, params: [{params.yaml: [lr]}], outs: [model.txt]}
  prep: {cmd: sleep 1.5 && echo prepped > prep.txt, params: [{params.yaml: [epochs]}], outs: [prep.txt]}
`,
    });
    const watch = new Watch(p.root, ['-j', '2']);
    await watch.waitFor((e) => e.type === 'stage-start' && e.stage === 'train');
    await watch.waitFor((e) => e.type === 'stage-start' && e.stage === 'prep');
    await p.write('params.yaml', 'lr: 2\nepochs: 3\n');
    const idle = await watch.idle();
    assert.deepEqual(watch.stagesBetween(0, idle, 'cancelled'), ['train']);
    assert.deepEqual(watch.stagesBetween(0, idle, 'ran').sort(), ['prep', 'train']);
    assert.equal(await watch.stop(), 130);
    assert.match((await runCli(p.root, ['status'])).stdout, /everything is up to date/);
  });

  test("restores from the cache and the engine's writes into a watched directory trigger nothing", async () => {
    const p = await project({
      'data/raw.txt': 'v1\n',
      'pipeline.yaml': `stages:
  gen: {cmd: echo generated > data/gen.txt, outs: [data/gen.txt]}
  use: {cmd: cat data/raw.txt data/gen.txt > use.txt, deps: [data], outs: [use.txt]}
${SENTINEL_STAGE}`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    await p.write('data/raw.txt', 'v2\n');
    const second = await watch.idle(first + 1);
    assert.deepEqual(watch.stagesBetween(first, second, 'ran'), ['use']);
    await p.write('data/raw.txt', 'v1\n');
    const third = await watch.idle(second + 1);
    assert.deepEqual(watch.stagesBetween(second, third, 'restored'), ['use']);
    const settled = await settle(watch, p, third + 1);
    assert.deepEqual(watch.cyclesBetween(third, settled).map((c) => c.changed), [['sentinel.txt']]);
    assert.equal(await watch.stop(), 130);
  });

  test("editing a module's local import reruns its stage; a new import is watched too", async () => {
    const p = await project({
      'pipeline.yaml': `stages:
  greet: {uses: stages/greet.ts, outs: [greeting.txt]}
`,
      'stages/greet.ts': `import { writeFile } from 'node:fs/promises';
import { defineStage } from ${JSON.stringify(stageApi)};
import { word } from './lib/word.js';
export default defineStage(async (ctx) => {
  await writeFile(ctx.resolve('greeting.txt'), word);
});
`,
      'stages/lib/word.ts': `export const word = 'one';\n`,
      'stages/lib/extra.ts': `export const extra = '+';\n`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    await p.write('stages/lib/word.ts', `import { extra } from './extra.js';\nexport const word = 'two' + extra;\n`);
    const second = await watch.idle(first + 1);
    assert.deepEqual(watch.cyclesBetween(first, second).map((c) => c.changed), [['stages/lib/word.ts']]);
    assert.equal(await p.read('greeting.txt'), 'two+');
    await p.write('stages/lib/extra.ts', `export const extra = '!';\n`);
    const third = await watch.idle(second + 1);
    assert.deepEqual(watch.stagesBetween(second, third, 'ran'), ['greet']);
    assert.equal(await p.read('greeting.txt'), 'two!');
    assert.equal(await watch.stop(), 130);
  });

  test('a cycle that waits for another run in the project says so, and runs once that run ends', async () => {
    const p = await project({
      'data.txt': 'v1\n',
      'pipeline.yaml': `stages:
  copy: {cmd: cp data.txt copy.txt, deps: [data.txt], outs: [copy.txt]}
`,
    });
    const watch = new Watch(p.root);
    const first = await watch.idle();
    const other = await acquireProjectMutex(p.root, { wait: false });
    assert.ok(other.ok);
    await p.write('data.txt', 'v2\n');
    const waiting = await watch.waitFor((e) => e.type === 'warning', first + 1);
    const message = (watch.events[waiting] as Extract<DagEvent, { type: 'warning' }>).message;
    assert.match(message, new RegExp(`waiting for another dagmake run in this project \\(pid ${process.pid}\\)`));
    await other.value.release();
    await watch.idle(waiting);
    assert.equal(await p.read('copy.txt'), 'v2\n');
    assert.equal(await watch.stop(), 130);
  });

  test('Ctrl-C during a run cancels the running stage and exits 130', async () => {
    const p = await project({
      'pipeline.yaml': `stages:
  long: {cmd: sleep 30 && echo done > long.txt, outs: [long.txt]}
`,
    });
    const watch = new Watch(p.root);
    await watch.waitFor((e) => e.type === 'stage-start' && e.stage === 'long');
    assert.equal(await watch.stop(), 130);
    assert.deepEqual(watch.stagesBetween(0, watch.events.length, 'cancelled'), ['long']);
  });
});
