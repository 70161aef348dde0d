import { execaNode } from 'execa';
import type { ModuleStageInit, ModuleStageMessage } from './module-messages.js';
import { pipeLines } from './pipe-lines.js';
import type { StageExit, StageOutputSink, StageProcess } from './stage-process.js';
import { OutputTail, signalGroup } from './stage-process.js';
import { forgetGroup, watchGroup } from './orphan-guard.js';
import { stageChildPath } from './stage-child-path.js';

export interface ModuleStageOptions {
  readonly init: Omit<ModuleStageInit, 'type'>;
  readonly env: Readonly<Record<string, string>>;
  readonly sink: StageOutputSink;
}

let childScript: string | undefined;
// Stage modules are TypeScript source: the child loads them through tsx, so no build step is needed.
const tsxLoader = import.meta.resolve('tsx');

/** Runs a `uses:` stage in a child process, so a crash or out-of-memory never takes the engine down. */
export function runModule(options: ModuleStageOptions): StageProcess {
  const tail = new OutputTail();
  let cancelled: NodeJS.Signals | undefined;
  let reportedFailure: string | undefined;
  childScript ??= stageChildPath();
  const subprocess = execaNode(childScript, [], {
    nodeOptions: ['--import', tsxLoader, '--enable-source-maps'],
    cwd: options.init.root,
    env: options.env,
    ipc: true,
    serialization: 'json',
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: true,
  });

  watchGroup(subprocess.pid);
  const done = (async (): Promise<StageExit> => {
    const piping = Promise.all([
      pipeLines(subprocess.stdout, 'stdout', options.sink, tail),
      pipeLines(subprocess.stderr, 'stderr', options.sink, tail),
    ]);
    const messages = (async () => {
      for await (const raw of subprocess.getEachMessage()) {
        const message = raw as ModuleStageMessage;
        if (message.type === 'progress') {
          const { type: _type, ...progress } = message;
          options.sink.progress(progress);
        } else if (message.type === 'metric') {
          options.sink.metric({ name: message.name, value: message.value, step: message.step });
        } else if (message.type === 'failed') {
          reportedFailure = message.message;
        }
      }
    })().catch(() => undefined);
    const init: ModuleStageInit = { type: 'start', ...options.init };
    await subprocess.sendMessage(init as unknown as Parameters<typeof subprocess.sendMessage>[0]).catch(() => undefined);
    const result = await subprocess;
    forgetGroup(subprocess.pid);
    await Promise.all([piping, messages]);
    if (!result.failed && !cancelled) return { ok: true };
    const signal = result.signal ?? cancelled;
    const message = cancelled
      ? 'cancelled'
      : reportedFailure ??
        (signal !== undefined
          ? `stage process was killed with ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}`
          : `stage process exited with code ${result.exitCode}`);
    return { ok: false, failure: { message, exitCode: result.exitCode, signal: signal ?? undefined, tail: tail.lines } };
  })();

  return {
    done,
    terminate(force) {
      cancelled = force ? 'SIGKILL' : 'SIGTERM';
      signalGroup(subprocess.pid, cancelled);
    },
  };
}
