export { tf } from './tf.js';
export type { Tensor, Variable } from './tf.js';
export { useBackend } from './backend.js';
export type { BackendChoice, ResolvedBackend } from './backend.js';
