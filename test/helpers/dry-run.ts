import assert from 'node:assert/strict';
import type { DagEvent } from '../../src/events.js';
import { runCli, statuses } from './run-cli.js';

export interface PlanLine {
  readonly type: 'plan';
  readonly stage: string;
  readonly action: 'up-to-date' | 'restore' | 'run' | 'may-run';
  readonly reasons: readonly { kind: string }[];
  readonly upstream?: readonly string[];
  readonly frozen?: boolean;
}

/** `run --dry --json` (plus `args`): every stdout line must be one plan object. */
export async function dryPlan(root: string, args: readonly string[] = []): Promise<PlanLine[]> {
  const result = await runCli(root, ['run', '--dry', '--json', ...args]);
  assert.equal(result.exitCode, 0, result.stderr);
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    const parsed = JSON.parse(line) as PlanLine;
    assert.equal(parsed.type, 'plan', line);
    return parsed;
  });
}

export function actions(plan: readonly PlanLine[]): Record<string, string> {
  return Object.fromEntries(plan.map((p) => [p.stage, p.action]));
}

const allowed: Record<PlanLine['action'], readonly string[]> = {
  'up-to-date': ['up-to-date'],
  restore: ['restored'],
  run: ['ran'],
  'may-run': ['ran', 'restored', 'up-to-date'],
};

/** Every stage of the real run ended the way the dry run said it would. */
export function assertRunMatchesPlan(plan: readonly PlanLine[], events: readonly DagEvent[]): void {
  const actual = statuses(events);
  for (const { stage, action, upstream } of plan) {
    // A stale stage whose deps upstream stages are about to remake may turn out to be restorable.
    const ok = [...allowed[action], ...(action === 'run' && upstream ? ['restored'] : [])];
    assert.ok(ok.includes(actual[stage] ?? 'absent'), `${stage}: predicted ${action}, the run says ${actual[stage]}`);
  }
}
