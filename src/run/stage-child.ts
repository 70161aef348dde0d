// Entry point of a `uses:` stage's child process: receives its context over IPC, imports the
// module and calls its default export with a StageContext.
import { getOneMessage, sendMessage } from 'execa';
import { writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMemo } from '../cache/memo.js';
import { ObjectStore } from '../cache/object-store.js';
import { StageInputError, type StageContext, type StageFunction, type StageProgress } from '../stage-api.js';
import type { ModuleStageInit, ModuleStageMessage } from './module-messages.js';

const PROGRESS_INTERVAL_MS = 50;
const pending = new Set<Promise<unknown>>();

async function main(): Promise<void> {
  const init = (await getOneMessage()) as ModuleStageInit;
  const controller = new AbortController();
  process.on('SIGTERM', () => {
    controller.abort(new Error('stage cancelled'));
    // Give the stage a moment to stop cleanly; the engine escalates to SIGKILL anyway.
    setTimeout(() => process.exit(143), 2000).unref();
  });

  // The engine died (kill -9): stop at once rather than keep writing into outputs as an orphan.
  process.on('disconnect', () => {
    controller.abort(new Error('engine exited'));
    process.exit(129);
  });
  const send = (message: ModuleStageMessage): void => {
    const sending = sendMessage(message).catch(() => undefined);
    pending.add(sending);
    void sending.finally(() => pending.delete(sending));
  };
  const lastProgress = new Map<string, number>();
  const progress = (p: StageProgress): void => {
    // Throttle per task at the source: a stage looping 10,000 times a second stays cheap.
    const key = p.task ?? '';
    const now = Date.now();
    const finished = p.total !== undefined && p.current >= p.total;
    if (!finished && now - (lastProgress.get(key) ?? 0) < PROGRESS_INTERVAL_MS) return;
    lastProgress.set(key, now);
    send({ type: 'progress', ...p });
  };

  const store = await ObjectStore.open(init.cacheDir);
  const memo = createMemo({
    store,
    root: init.root,
    scope: { code: init.memoScope, outs: init.unitOuts },
    concurrency: init.cpu,
    runId: init.runId,
    // A unit changes state a few times in all, so none is throttled away: a dropped 'running'
    // would leave the unit shown as queued until it is done.
    onTask: (event) => {
      const finished = event.state === 'done' || event.state === 'hit' || event.state === 'failed';
      const message = event.state === 'hit' ? 'restored from cache' : event.state;
      send({ type: 'progress', current: finished ? 1 : 0, total: 1, task: event.task, message });
    },
  });

  const context: StageContext = {
    stage: init.stage,
    root: init.root,
    with: init.with,
    params: init.params,
    deps: init.deps,
    outs: init.outs,
    resolve: (relative) => path.resolve(init.root, relative),
    runInfoDir: init.runInfoDir,
    resumeDir: init.resumeDir,
    log: {
      info: (message) => console.log(message),
      warn: (message) => console.error(`warning: ${message}`),
      error: (message) => console.error(`error: ${message}`),
    },
    progress,
    metric: (name, value, step) => send({ type: 'metric', name, value, step }),
    memo,
    signal: controller.signal,
  };

  // Facts of an earlier run must not pass for this one's.
  await rm(init.runInfoDir, { recursive: true, force: true });
  await mkdir(init.runInfoDir, { recursive: true });

  const module = (await import(pathToFileURL(init.modulePath).href)) as { default?: unknown };
  if (typeof module.default !== 'function') {
    throw new Error(
      `${path.relative(init.root, init.modulePath)} has no default export function; ` +
        'write `export default defineStage(async (ctx) => { ... })`',
    );
  }
  // The IPC channel would keep this process alive for ever: a stage awaiting a promise that
  // nothing can settle any more must fail, as a plain Node script exits, instead of hanging the run.
  process.channel?.unref();
  await (module.default as StageFunction)(context);
}

/** process.exit drops what is still queued for a pipe: a loud stage's last lines, or its stack trace. */
const flushOutput = (): Promise<unknown> =>
  Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));

// The first outcome decides: a stage that already failed in a callback never exits as a success,
// and one that finished is not failed by what happens after.
let settled = false;
function settle(outcome: () => Promise<void>): void {
  if (settled) return;
  settled = true;
  void outcome();
}

process.on('beforeExit', () =>
  settle(() =>
    fail(
      new StageInputError(
        'the stage function never finished: it was awaiting a promise when nothing was left to run that could settle it ' +
          '(a promise that is never resolved, or an event that never comes)',
      ),
    ),
  ),
);

// An error thrown in a callback, or a rejection nobody awaits, fails the stage like a thrown one:
// by its message, with the output so far kept (Node's own handler exits without flushing it).
process.on('uncaughtException', (error) => settle(() => fail(error)));

// A stage (or a library it calls) ending the process before its function returned has not
// finished its outputs: they must not be committed as a success.
process.on('exit', (code) => {
  if (settled || code !== 0) return;
  writeSync(2, 'error: process.exit(0) was called before the stage function finished; return from it instead\n');
  process.exitCode = 1;
});

async function fail(error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  // A user's input problem is said by its message alone; anything else is a bug worth its stack.
  const inputProblem = (error as { stageInputError?: unknown } | null)?.stageInputError === true;
  if (error instanceof Error && error.stack && !inputProblem) console.error(error.stack);
  await Promise.all(pending);
  await sendMessage({ type: 'failed', message } satisfies ModuleStageMessage).catch(() => undefined);
  await flushOutput();
  process.exit(1);
}

main().then(
  () => settle(succeed),
  (error: unknown) => settle(() => fail(error)),
);

async function succeed(): Promise<void> {
  await Promise.all(pending);
  await flushOutput();
  process.exit(0);
}
