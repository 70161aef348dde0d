// Starts a stage's work in a process of its own: a `uses:` module in a Node child, a command in
// the persistent shells.
import path from 'node:path';
import type { StageDef } from '../pipeline/types.js';
import type { StageOutputSink, StageProcess } from '../run/stage-process.js';
import type { EngineContext } from './engine-context.js';
import type { StageFingerprint } from './fingerprint.js';
import { resumeDir, runInfoDir } from './stage-logs.js';
import { wdirProblem } from './wdir-problem.js';

export async function startStageProcess(
  stage: StageDef,
  context: EngineContext,
  sink: StageOutputSink,
  fingerprint: StageFingerprint,
): Promise<StageProcess> {
  // One directory per definition (command or module with its imports, with:, env, outs): state
  // left by other code is never offered to this one.
  const resumeAt = path.join(resumeDir(context.root, stage.name), fingerprint.definition.slice(0, 16));
  // Only on request: every byte of a job line costs the persistent shell a read() of its own.
  const env = { ...stringEnv(), ...stage.env, DAGMAKE_STAGE: stage.name, ...(stage.resume && { DAGMAKE_RESUME_DIR: resumeAt }) };
  // Imported only when a stage actually runs: process spawning costs ~0.1 s of imports that a
  // no-op run never needs, and module stages (execa, tsx) add more that commands never need.
  if (stage.uses !== undefined) {
    const { runModule } = await import('../run/run-module.js');
    return runModule({
      init: {
        modulePath: path.join(context.root, stage.uses),
        stage: stage.name,
        root: context.root,
        with: stage.with,
        params: fingerprint.params,
        deps: stage.deps.map((d) => d.path),
        outs: stage.outs.map((o) => o.path),
        memoScope: fingerprint.definition,
        unitOuts: stage.outs.filter((o) => !o.persist).map((o) => o.path),
        cacheDir: context.store.dir,
        runId: context.runId,
        runInfoDir: runInfoDir(context.root, stage.name),
        resumeDir: resumeAt,
        cpu: Math.min(stage.resources.cpu, context.jobs),
      },
      env,
      sink,
    });
  }
  const cwd = path.join(context.root, stage.wdir);
  const missingWdir = stage.wdir === '.' ? undefined : await wdirProblem(cwd, stage.wdir);
  if (missingWdir !== undefined) return { done: Promise.resolve({ ok: false, failure: { message: missingWdir } }), terminate: () => undefined };
  const { runCommands } = await import('../run/run-command.js');
  return runCommands({ commands: stage.cmd ?? [], cwd, cwdIsRoot: stage.wdir === '.', env, sink });
}

let baseEnv: Record<string, string> | undefined;

/** The engine's environment, read once: copying it per stage showed up in profiles of large builds. */
function stringEnv(): Record<string, string> {
  if (baseEnv === undefined) {
    baseEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) baseEnv[key] = value;
  }
  return baseEnv;
}
