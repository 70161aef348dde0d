// AdamW (Loshchilov & Hutter): Adam moments plus weight decay applied directly to the weights,
// not through the gradient. Hand-written because tf.train.adam has no decoupled decay and its
// moment variables are not addressable by weight name for checkpoints.
import { tf } from '../tf/tf.js';

export interface AdamWOptions {
  readonly weightDecay: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export class AdamW {
  readonly moments: Record<string, tf.Variable> = {};
  #step = 0;
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;

  constructor(
    private readonly weights: Readonly<Record<string, tf.Variable>>,
    private readonly options: AdamWOptions,
  ) {
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-8;
    for (const [name, weight] of Object.entries(weights)) {
      this.moments[`${name}/m`] = tf.variable(tf.zerosLike(weight), false);
      this.moments[`${name}/v`] = tf.variable(tf.zerosLike(weight), false);
    }
  }

  get step(): number {
    return this.#step;
  }

  set step(value: number) {
    this.#step = value;
  }

  /** Biases, LayerNorm parameters and other vectors are not decayed. */
  static decays(weight: tf.Tensor): boolean {
    return weight.rank >= 2;
  }

  apply(grads: Readonly<Record<string, tf.Tensor>>, learningRate: number): void {
    this.#step += 1;
    const b1 = this.#beta1;
    const b2 = this.#beta2;
    const correction1 = 1 - b1 ** this.#step;
    const correction2 = 1 - b2 ** this.#step;
    tf.tidy(() => {
      for (const [name, weight] of Object.entries(this.weights)) {
        const grad = grads[name];
        if (!grad) continue;
        const m = this.moments[`${name}/m`] as tf.Variable;
        const v = this.moments[`${name}/v`] as tf.Variable;
        m.assign(tf.add(tf.mul(m, b1), tf.mul(grad, 1 - b1)));
        v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(grad), 1 - b2)));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.#epsilon));
        const decay = AdamW.decays(weight) ? this.options.weightDecay : 0;
        const next = decay > 0 ? tf.mul(weight, 1 - learningRate * decay) : weight;
        weight.assign(tf.sub(next, tf.mul(update, learningRate)));
      }
    });
  }

  dispose(): void {
    for (const moment of Object.values(this.moments)) moment.dispose();
  }
}

/** Scales all gradients by min(1, maxNorm / globalNorm); returns the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): number {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))))).dataSync()[0] ?? 0;
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / norm;
    for (const [name, grad] of Object.entries(grads)) {
      grads[name] = tf.mul(grad, scale);
      grad.dispose();
    }
  }
  return norm;
}
