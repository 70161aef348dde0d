// The single entry point to TensorFlow.js for stage code: every module imports `tf` from here so
// that the whole process shares one tfjs-core instance (and one backend registry).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
