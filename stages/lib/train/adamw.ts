// AdamW (Loshchilov & Hutter): Adam moments plus weight decay applied directly to the weights,
// not through the gradient. Hand-written because tf.train.adam has no decoupled decay and its
// moment variables are not addressable by weight name for checkpoints.
import { adamwStep, fusedAdamWAvailable, type AdamWScalars, type AdamWSlot } from '../tf/adamw-kernel.js';
import { tf } from '../tf/tf.js';

export interface AdamWOptions {
  readonly weightDecay: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

type VariableSlot = Omit<AdamWSlot, 'grad'> & { readonly name: string; readonly weight: tf.Variable; readonly m: tf.Variable; readonly v: tf.Variable };

export class AdamW {
  readonly moments: Record<string, tf.Variable> = {};
  /** Each weight with its moments and decay, fixed for the optimizer's life. */
  readonly #slots: VariableSlot[];
  #step = 0;
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;

  constructor(
    weights: Readonly<Record<string, tf.Variable>>,
    options: AdamWOptions,
  ) {
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-8;
    this.#slots = Object.entries(weights).map(([name, weight]) => {
      const m = tf.variable(tf.zerosLike(weight), false);
      const v = tf.variable(tf.zerosLike(weight), false);
      this.moments[`${name}/m`] = m;
      this.moments[`${name}/v`] = v;
      return { name, weight, m, v, decay: AdamW.decays(weight) ? options.weightDecay : 0 };
    });
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

  /**
   * m ← b1·m + (1 − b1)·g;  v ← b2·v + (1 − b2)·g²;  u = (m / c1) / (√(v / c2) + eps)
   * w ← w·(1 − lr·decay) − lr·u (decay only for decays(w)), with c = 1 − b^step; float32 throughout,
   * one rounding per operation in this order. On wasm and cpu one kernel updates every variable.
   */
  apply(grads: Readonly<Record<string, tf.Tensor>>, learningRate: number): void {
    this.#step += 1;
    const scalars: AdamWScalars = {
      beta1: this.#beta1,
      beta2: this.#beta2,
      correction1: 1 - this.#beta1 ** this.#step,
      correction2: 1 - this.#beta2 ** this.#step,
      epsilon: this.#epsilon,
      learningRate,
    };
    const slots = this.#slots.flatMap((slot) => {
      const grad = grads[slot.name];
      return grad ? [{ ...slot, grad }] : [];
    });
    tf.tidy(() => {
      if (fusedAdamWAvailable()) {
        adamwStep(slots, scalars).forEach(([w, m, v], i) => {
          const slot = slots[i]!;
          slot.m.assign(m);
          slot.v.assign(v);
          slot.weight.assign(w);
        });
        return;
      }
      for (const slot of slots) adamwOps(slot, scalars);
    });
  }

  dispose(): void {
    for (const moment of Object.values(this.moments)) moment.dispose();
  }
}

/** The update above as tf ops, for backends without the fused kernel. */
export function adamwOps(slot: AdamWSlot & { readonly weight: tf.Variable; readonly m: tf.Variable; readonly v: tf.Variable }, s: AdamWScalars): void {
  const { weight, m, v, grad, decay } = slot;
  m.assign(tf.add(tf.mul(m, s.beta1), tf.mul(grad, 1 - s.beta1)));
  v.assign(tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(grad), 1 - s.beta2)));
  const update = tf.div(tf.div(m, s.correction1), tf.add(tf.sqrt(tf.div(v, s.correction2)), s.epsilon));
  const next = decay > 0 ? tf.mul(weight, 1 - s.learningRate * decay) : weight;
  weight.assign(tf.sub(next, tf.mul(update, s.learningRate)));
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
