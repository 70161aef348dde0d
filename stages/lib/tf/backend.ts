// Picks the TensorFlow.js backend. Native bindings are optional dependencies, so they are loaded
// with a dynamic import and any failure (absent package, missing CUDA, ABI mismatch) falls through.
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

async function tryBackend(backend: ResolvedBackend): Promise<boolean> {
  try {
    if (backend === 'tfjs-node-gpu' || backend === 'tfjs-node') {
      // A variable specifier keeps TypeScript from resolving packages that may not be installed.
      const specifier: string = `@tensorflow/${backend}`;
      await import(specifier);
    }
    if (backend === 'wasm') registerWasmKernels();
    if (backend === 'wasm' || backend === 'cpu') registerAdamWKernel();
    return await tf.setBackend(tfName(backend));
  } catch {
    return false;
  }
}

let active: ResolvedBackend | undefined;

/**
 * Activates `choice` (or the first backend that works, for 'auto') and returns its name.
 * An explicit choice that cannot start is an error, not a silent fallback.
 */
export async function useBackend(choice: BackendChoice, log: (message: string) => void = () => {}): Promise<ResolvedBackend> {
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  for (const candidate of candidates) {
    if (active === candidate && tf.getBackend() === tfName(candidate)) return candidate;
    if (await tryBackend(candidate)) {
      await tf.ready();
      active = candidate;
      log(`tensorflow.js backend: ${candidate}`);
      return candidate;
    }
    if (choice === 'auto') log(`tensorflow.js backend ${candidate} unavailable, trying the next one`);
  }
  throw new Error(`TensorFlow.js backend '${choice}' could not be started`);
}
