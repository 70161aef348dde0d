// The interactive terminal reporter: events feed a batching store; Ink draws from it.
import { render } from 'ink';
import type { DagEvent, Reporter } from '../../events.js';
import { App } from './App.js';
import { createInkStore } from './store.js';

export interface InkReporterOptions {
  readonly stdout: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly color: boolean;
  readonly onCancel?: (force: boolean) => void;
}

const MAX_FPS = 20;

export function createInkReporter(options: InkReporterOptions): Reporter {
  const store = createInkStore({ intervalMs: 1000 / MAX_FPS });
  const instance = render(
    <App store={store} color={options.color} {...(options.onCancel && { onCancel: options.onCancel })} />,
    {
      stdout: options.stdout,
      ...(options.stdin && { stdin: options.stdin }),
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: MAX_FPS,
    },
  );
  return {
    onEvent(event: DagEvent) {
      store.dispatch(event);
    },
    async close() {
      store.flush();
      // Let React commit the last state before Ink writes its final frame.
      await new Promise((resolve) => setImmediate(resolve));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
