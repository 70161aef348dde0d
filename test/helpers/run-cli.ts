import { execa, type ResultPromise } from 'execa';
import path from 'node:path';
import type { DagEvent } from '../../src/events.js';

/** The built CLI: tests exercise what users run. */
export const cliPath = path.resolve(process.cwd(), 'dist/bin/cli.js');

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: DagEvent[];
}

export function spawnCli(root: string, args: readonly string[], env: Record<string, string> = {}): ResultPromise {
  return execa('node', [cliPath, ...args], {
    cwd: root,
    reject: false,
    env: { CI: 'true', NO_COLOR: '1', ...env },
    stdin: 'ignore',
  });
}

export async function runCli(root: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await spawnCli(root, args, env);
  const stdout = String(result.stdout ?? '');
  return {
    exitCode: result.exitCode ?? -1,
    stdout,
    stderr: String(result.stderr ?? ''),
    events: args.includes('--json') ? parseEvents(stdout) : [],
  };
}

export function parseEvents(stdout: string): DagEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as DagEvent);
}

/** stage name → final status, from a run's --json events. */
export function statuses(events: readonly DagEvent[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const event of events) if (event.type === 'stage') result[event.stage] = event.status;
  return result;
}

export function stagesWithStatus(events: readonly DagEvent[], status: string): string[] {
  return Object.entries(statuses(events))
    .filter(([, s]) => s === status)
    .map(([name]) => name)
    .sort();
}
