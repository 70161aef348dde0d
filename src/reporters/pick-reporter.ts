// Chooses and builds the reporter for a run. Ink and React load only when Ink is chosen.
import type { Reporter } from '../events.js';
import { colorAllowed } from './ansi.js';
import { coalescedOutput } from './coalesced-output.js';
import { createJsonReporter } from './json.js';
import { createPlainReporter } from './plain.js';

export type ReporterKind = 'ink' | 'plain' | 'json';

export interface ReporterOptions {
  /** `--reporter`: wins over everything else. */
  readonly kind?: ReporterKind;
  /** `--json`. */
  readonly json?: boolean;
  readonly stream: NodeJS.WriteStream;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly color: boolean;
  /** Ink only: the user asked to stop (`force` on the second request). */
  readonly onCancel?: (force: boolean) => void;
}

export function chooseReporterKind(options: Pick<ReporterOptions, 'kind' | 'json' | 'isTTY' | 'env'>): ReporterKind {
  if (options.kind) return options.kind;
  if (options.json) return 'json';
  if (!options.isTTY || options.env['CI'] === 'true') return 'plain';
  return 'ink';
}

export async function createReporter(options: ReporterOptions): Promise<Reporter> {
  const color = colorAllowed(options.env, options.color);
  switch (chooseReporterKind(options)) {
    case 'json':
      return createJsonReporter(coalescedOutput(options.stream));
    case 'plain':
      return createPlainReporter({ stream: coalescedOutput(options.stream), color, env: options.env });
    case 'ink': {
      const { createInkReporter } = await import('./ink/ink-reporter.js');
      return createInkReporter({
        stdout: options.stream,
        color,
        ...(options.onCancel && { onCancel: options.onCancel }),
      });
    }
  }
}
