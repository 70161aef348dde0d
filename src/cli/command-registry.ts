import type { Command } from './command.js';

interface RegisteredCommand {
  readonly name: string;
  readonly summary: string;
  /** Commands load on demand: `dagmake status` never pays for the modules `run` needs. */
  load(): Promise<Command>;
}

export const commandRegistry: readonly RegisteredCommand[] = [
  { name: 'run', summary: 'run the stale stages', load: async () => (await import('./commands/run.js')).runCommand },
  { name: 'watch', summary: 'rerun stages as their inputs change', load: async () => (await import('./commands/watch.js')).watchCommand },
  { name: 'status', summary: 'show stale stages and why', load: async () => (await import('./commands/status.js')).statusCommand },
  { name: 'explain', summary: 'say exactly why a stage is stale', load: async () => (await import('./commands/explain.js')).explainCommand },
  { name: 'dag', summary: 'print the stage graph', load: async () => (await import('./commands/dag.js')).dagCommand },
  { name: 'logs', summary: "print a stage's last log", load: async () => (await import('./commands/logs.js')).logsCommand },
  { name: 'gc', summary: 'remove unreferenced cache objects', load: async () => (await import('./commands/gc.js')).gcCommand },
  { name: 'cache', summary: 'cache maintenance (verify)', load: async () => (await import('./commands/cache.js')).cacheCommand },
  { name: 'merge-lock', summary: "merge two versions of a lock (git's merge driver)", load: async () => (await import('./commands/merge-lock.js')).mergeLockCommand },
  { name: 'metrics', summary: 'show metrics, or diff them against the previous run', load: async () => (await import('./commands/metrics.js')).metricsCommand },
];
