// Weight initialisers computed in JS from a seeded stream, so initial weights are bit-identical on
// every backend (tfjs's own initialisers draw from backend-specific or unseeded generators).
import { SeededRandom, seedFor } from '../tf/seeded-random.js';
import { tf } from '../tf/tf.js';
import type { WeightMap } from './types.js';

function uniform(shape: readonly number[], limit: number, seed: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const random = new SeededRandom(seed);
  for (let i = 0; i < size; i++) values[i] = (random.next() * 2 - 1) * limit;
  return values;
}

export class WeightBuilder {
  readonly weights: WeightMap = {};

  constructor(private readonly seed: number) {}

  #add(name: string, shape: readonly number[], values: Float32Array): void {
    if (this.weights[name]) throw new Error(`Internal error: weight '${name}' defined twice`);
    const initial = tf.tensor(values, [...shape], 'float32');
    this.weights[name] = tf.variable(initial);
    initial.dispose();
  }

  /** Glorot/Xavier uniform over [fanIn, fanOut]. */
  glorot(name: string, fanIn: number, fanOut: number): void {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    this.#add(name, [fanIn, fanOut], uniform([fanIn, fanOut], limit, seedFor(this.seed, name)));
  }

  /** Small uniform values, for embedding tables. */
  embedding(name: string, rows: number, dim: number, limit = 0.05): void {
    this.#add(name, [rows, dim], uniform([rows, dim], limit, seedFor(this.seed, name)));
  }

  constant(name: string, shape: readonly number[], value: number): void {
    const size = shape.reduce((a, b) => a * b, 1);
    this.#add(name, shape, new Float32Array(size).fill(value));
  }

  /** Any explicit values (e.g. an LSTM bias with the forget-gate slice set to 1). */
  values(name: string, shape: readonly number[], values: Float32Array): void {
    this.#add(name, shape, values);
  }
}
