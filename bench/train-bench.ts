// Training throughput per backend and backbone: tokens/s for forward + backward + AdamW update on
// a synthetic batch, peak RSS, the backend's large-matmul GFLOP/s, and the model's achieved
// GFLOP/s (analytic matmul FLOPs × 3 for forward + backward) as a fraction of that.
//   node --import tsx bench/train-bench.ts [--backends wasm,cpu] [--steps 5]
import { parseArgs } from 'node:util';
import { encodeBatch, forward, initWeights, parseModelConfig, type BackboneConfig, type Vocabulary } from '../stages/lib/model/index.js';
import { SeededRandom } from '../stages/lib/tf/seeded-random.js';
import { tf, useBackend, type ResolvedBackend } from '../stages/lib/tf/index.js';
import { AdamW } from '../stages/lib/train/adamw.js';
import { maskedCrossEntropy } from '../stages/lib/train/loss.js';

const { values } = parseArgs({ options: { backends: { type: 'string', default: 'wasm,cpu' }, steps: { type: 'string', default: '5' } } });
const BATCH = 32;
const SEQ = 32;
const TAGS = 13;
const VOCAB_WORDS = 5000;

/** Multiply-adds ×2 of the matmuls per token in one forward pass (embedding gathers excluded). */
function forwardFlopsPerToken(config: BackboneConfig): number {
  const chars = config.charDim > 0 ? 2 * config.maxChars * config.charWindow * config.charDim * config.charFilters : 0;
  const input = config.wordDim + (config.charDim > 0 ? config.charFilters : 0);
  if (config.backbone === 'bilstm') {
    const h = config.hidden;
    return chars + 2 * 2 * (input * 4 * h + h * 4 * h) + 2 * 2 * h * TAGS;
  }
  const m = config.dModel;
  const perLayer = 2 * 4 * m * m + 2 * 2 * m * config.ffn + 2 * 2 * SEQ * m;
  return chars + 2 * input * m + config.layers * perLayer + 2 * m * TAGS;
}

function syntheticVocabulary(config: BackboneConfig): Vocabulary {
  const words = ['<pad>', '<unk>', ...Array.from({ length: VOCAB_WORDS }, (_, i) => `w${i}`)];
  const chars = ['<pad>', '<unk>', ...'abcdefghijklmnopqrstuvwxyz0123456789'];
  return { lowercase: true, maxChars: config.maxChars, words, chars };
}

function matmulGflops(): number {
  const n = 512;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  tf.matMul(a, b).dataSync();
  const repeats = 3;
  const started = performance.now();
  for (let i = 0; i < repeats; i++) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([a, b]);
  return (2 * n ** 3 * repeats) / seconds / 1e9;
}

function benchModel(raw: Record<string, unknown>, steps: number) {
  const config = parseModelConfig(raw);
  const vocab = syntheticVocabulary(config);
  const random = new SeededRandom(1);
  const sentences = Array.from({ length: BATCH }, () => Array.from({ length: SEQ }, () => `${'abcdefgh'.slice(0, 1 + random.int(8))}${random.int(VOCAB_WORDS)}`));
  const weights = initWeights(config, { words: vocab.words.length, chars: vocab.chars.length }, TAGS, 1);
  const optimizer = new AdamW(weights, { weightDecay: 0.01 });
  const inputs = encodeBatch(sentences, vocab);
  const labels = tf.tensor2d(Int32Array.from({ length: BATCH * SEQ }, () => random.int(TAGS)), [BATCH, SEQ], 'int32');
  const step = (seed: number): void => {
    const { value, grads } = tf.variableGrads(
      () => maskedCrossEntropy(forward(weights, inputs, config, { training: true, dropout: 0.1, seed }), labels, inputs.mask),
      Object.values(weights),
    );
    const named = Object.fromEntries(Object.entries(weights).map(([name, v]) => [name, grads[v.name] as tf.Tensor]));
    optimizer.apply(named, 1e-3);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step(0);
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  for (let i = 1; i <= steps; i++) {
    step(i);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - started) / 1000;
  const tokensPerSecond = (BATCH * SEQ * steps) / seconds;
  const modelGflops = (3 * forwardFlopsPerToken(config) * tokensPerSecond) / 1e9;
  optimizer.dispose();
  tf.dispose([...Object.values(weights), inputs.wordIds, inputs.charIds, inputs.mask, labels]);
  return { tokensPerSecond, modelGflops, peakRssMb: peakRss / 2 ** 20, msPerStep: (seconds * 1000) / steps };
}

const models: Record<string, Record<string, unknown>> = {
  bilstm: { backbone: 'bilstm', maxLength: SEQ },
  transformer: { backbone: 'transformer', maxLength: SEQ },
};

const rows: string[][] = [['backend', 'backbone', 'tokens/s', 'ms/step', 'model GFLOP/s', 'matmul GFLOP/s', 'fraction', 'peak RSS MB']];
for (const backend of (values.backends ?? '').split(',') as ResolvedBackend[]) {
  await useBackend(backend);
  const steps = backend === 'cpu' ? 1 : Number(values.steps);
  const peak = matmulGflops();
  for (const [name, raw] of Object.entries(models)) {
    const r = benchModel(raw, steps);
    rows.push([backend, name, r.tokensPerSecond.toFixed(0), r.msPerStep.toFixed(0), r.modelGflops.toFixed(3), peak.toFixed(2), `${((r.modelGflops / peak) * 100).toFixed(1)}%`, r.peakRssMb.toFixed(0)]);
  }
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
console.log(`batch ${BATCH} × seq ${SEQ}, default config/model sizes, forward + backward + AdamW`);
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
