// Picks the TensorFlow.js backend. Native bindings are optional dependencies, so they are loaded
// with a dynamic import and any failure (absent package, missing CUDA, ABI mismatch) falls through.
import { InputError } from '../input-error.js';
import { registerAdamWKernel } from './adamw-kernel.js';
import { tf } from './tf.js';
import { registerWasmKernels } from './wasm-kernels.js';

export type BackendChoice = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
export type ResolvedBackend = Exclude<BackendChoice, 'auto'>;

const AUTO_ORDER: readonly ResolvedBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** tfjs-node and tfjs-node-gpu both register themselves under the name 'tensorflow'. */
function tfName(backend: ResolvedBackend): string {
  return backend === 'wasm' || backend === 'cpu' ? backend : 'tensorflow';
}

/** Why `backend` cannot be used; undefined once it is active. */
async function tryBackend(backend: ResolvedBackend): Promise<string | undefined> {
  try {
    if (backend === 'tfjs-node-gpu' || backend === 'tfjs-node') {
      // A variable specifier keeps TypeScript from resolving packages that may not be installed.
      const specifier: string = `@tensorflow/${backend}`;
      await import(specifier);
    }
    if (backend === 'wasm') registerWasmKernels();
    if (backend === 'wasm' || backend === 'cpu') registerAdamWKernel();
    return (await tf.setBackend(tfName(backend))) ? undefined : 'it did not initialise';
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? String(error);
  }
}

function hintFor(backend: ResolvedBackend): string {
  const install = backend === 'tfjs-node-gpu' || backend === 'tfjs-node' ? `install @tensorflow/${backend} (npm install @tensorflow/${backend}), or ` : '';
  return `${install}set backend: auto to use the fastest backend that starts here`;
}

let active: ResolvedBackend | undefined;

/**
 * Activates `choice` (or the first backend that works, for 'auto') and returns its name.
 * An explicit choice that cannot start is an error, not a silent fallback.
 */
export async function useBackend(choice: BackendChoice, log: (message: string) => void = () => {}): Promise<ResolvedBackend> {
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (active === candidate && tf.getBackend() === tfName(candidate)) return candidate;
    const problem = await tryBackend(candidate);
    if (problem === undefined) {
      await tf.ready();
      active = candidate;
      log(`tensorflow.js backend: ${candidate}`);
      return candidate;
    }
    failures.push(`${candidate}: ${problem}`);
    if (choice === 'auto') log(`tensorflow.js backend ${candidate} unavailable (${problem}), trying the next one`);
  }
  if (choice === 'auto') throw new Error(`No TensorFlow.js backend could be started (${failures.join('; ')})`);
  throw new InputError(`backend: TensorFlow.js backend '${choice}' could not be started (${failures[0]?.slice(choice.length + 2)}); ${hintFor(choice)}`);
}
