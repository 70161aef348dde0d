// A StageContext stand-in for calling stage functions directly in tests.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { StageContext } from '../../src/stage-api.js';

export interface TestContext extends StageContext {
  readonly logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  readonly metrics: Record<string, number>;
}

export function createTestContext(root: string, withMap: Record<string, unknown> = {}): TestContext {
  const logs: TestContext['logs'] = [];
  const metrics: Record<string, number> = {};
  return {
    stage: 'test',
    root,
    with: withMap,
    params: {},
    deps: [],
    outs: [],
    resolve: (relativePath) => path.resolve(root, relativePath),
    log: {
      info: (message) => logs.push({ level: 'info', message }),
      warn: (message) => logs.push({ level: 'warn', message }),
      error: (message) => logs.push({ level: 'error', message }),
    },
    progress: () => {},
    metric: (name, value) => {
      metrics[name] = value;
    },
    async memo(_key, options, compute) {
      const dir = path.resolve(root, options.dir);
      await mkdir(dir, { recursive: true });
      return { dir, value: await compute(dir), hit: false };
    },
    signal: new AbortController().signal,
    logs,
    metrics,
  };
}
