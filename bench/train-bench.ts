// Training throughput per backend and backbone: tokens/s for forward + backward + AdamW update on
// a synthetic batch, peak RSS, the backend's large-matmul GFLOP/s, and the model's achieved
// GFLOP/s (analytic matmul FLOPs × 3 for forward + backward) as a fraction of that.
//   node --import tsx bench/train-bench.ts [--backends wasm,cpu] [--backbones bilstm,transformer]
//     [--steps 5] [--width N] [--profile] [--profile-steps 3] [--top 15] [--matmul-bound]
// --width sets the Transformer's dModel (ffn = 2·width) and the BiLSTM's hidden size.
// --profile adds, per backend and backbone, where one step's time goes (see printProfile).
// --matmul-bound adds the step's matrix products timed alone, the ceiling of the fraction (matmul-bound.ts).
//
// The machine may be shared, so the GFLOP/s columns and their ratio use the process's own CPU
// time, which other processes inflate far less than wall time (on an idle machine the two agree).
// The model's rate is over the median step; the matmul rate is the best of the samples (four 512³
// products each) taken after every step, so that a slow sample cannot flatter the ratio.
import { parseArgs } from 'node:util';
import { parseOrExit } from './positional-args.js';
import { encodeBatch, forward, initWeights, parseModelConfig, type BackboneConfig, type ModelInputs, type Vocabulary } from '../stages/lib/model/index.js';
import { groupKernels, kernelCategory, profileKernels, type KernelProfile, type KernelRecord } from '../stages/lib/tf/kernel-profile.js';
import { SeededRandom } from '../stages/lib/tf/seeded-random.js';
import { alignColumns } from '../src/metrics/align-columns.js';
import { median } from './engine/timing.js';
import { tf, useBackend, type ResolvedBackend } from '../stages/lib/tf/index.js';
import { AdamW } from '../stages/lib/train/adamw.js';
import { maskedCrossEntropy } from '../stages/lib/train/loss.js';
import { matmulBound } from './matmul-bound.js';

const usage = `Usage: node dist/bench/train-bench.js [options]
  --backends LIST     comma-separated backends (default: wasm,cpu)
  --backbones LIST    comma-separated backbones (default: bilstm,transformer)
  --steps N           timed steps per backend and backbone (default: 5)
  --width N           the Transformer's dModel (ffn = 2·width) and the BiLSTM's hidden size
  --profile           where one step's time goes, per kernel category
  --profile-steps N   steps profiled (default: 3)
  --top N             kernels listed by the profile (default: 15)
  --matmul-bound      the step's matrix products timed alone: the ceiling of the fraction`;

const { values } = parseOrExit(() =>
  parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      backends: { type: 'string', default: 'wasm,cpu' },
      backbones: { type: 'string', default: 'bilstm,transformer' },
      steps: { type: 'string', default: '5' },
      width: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'matmul-bound': { type: 'boolean', default: false },
      'profile-steps': { type: 'string', default: '3' },
      top: { type: 'string', default: '15' },
    },
  }),
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const BATCH = 32;
const SEQ = 32;
const TAGS = 13;
const VOCAB_WORDS = 5000;
const PEAK_N = 512;

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


function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

const PEAK_REPEATS = 4;

/** GFLOP/s per CPU second of PEAK_REPEATS PEAK_N³ matmuls (operands fixed: the backend reuses its packed copy of b). */
function peakMatmul(a: tf.Tensor, b: tf.Tensor): number {
  const started = process.cpuUsage();
  for (let r = 0; r < PEAK_REPEATS; r++) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  return (2 * PEAK_N ** 3 * PEAK_REPEATS) / cpuSeconds(started) / 1e9;
}

interface Trainer {
  readonly config: BackboneConfig;
  readonly inputs: ModelInputs;
  /** One training step; `marks`, when given, is called after the forward pass and after the backward pass. */
  step(seed: number, marks?: () => void): void;
  dispose(): void;
}

function trainer(raw: Record<string, unknown>): Trainer {
  const config = parseModelConfig(raw);
  const vocab = syntheticVocabulary(config);
  const random = new SeededRandom(1);
  const sentences = Array.from({ length: BATCH }, () => Array.from({ length: SEQ }, () => `${'abcdefgh'.slice(0, 1 + random.int(8))}${random.int(VOCAB_WORDS)}`));
  const weights = initWeights(config, { words: vocab.words.length, chars: vocab.chars.length }, TAGS, 1);
  const optimizer = new AdamW(weights, { weightDecay: 0.01 });
  const inputs = encodeBatch(sentences, vocab);
  const labels = tf.tensor2d(Int32Array.from({ length: BATCH * SEQ }, () => random.int(TAGS)), [BATCH, SEQ], 'int32');
  return {
    config,
    inputs,
    step(seed, marks) {
      const { value, grads } = tf.variableGrads(() => {
        const loss = maskedCrossEntropy(forward(weights, inputs, config, { training: true, dropout: 0.1, seed }), labels, inputs.mask);
        marks?.();
        return loss;
      }, Object.values(weights));
      marks?.();
      const named = Object.fromEntries(Object.entries(weights).map(([name, v]) => [name, grads[v.name] as tf.Tensor]));
      optimizer.apply(named, 1e-3);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([...Object.values(weights), inputs.wordIds, inputs.charIds, inputs.mask, labels]);
    },
  };
}

interface Timing {
  readonly tokensPerSecond: number;
  readonly msPerStep: number;
  readonly cpuMsPerStep: number;
  readonly modelGflops: number;
  readonly peakGflops: number;
  readonly peakRssMb: number;
}

function timeSteps(run: Trainer, steps: number): Timing {
  const a = tf.randomUniform([PEAK_N, PEAK_N], -1, 1, 'float32', 1);
  const b = tf.randomUniform([PEAK_N, PEAK_N], -1, 1, 'float32', 2);
  peakMatmul(a, b);
  run.step(0);
  let peakRss = process.memoryUsage().rss;
  const wall: number[] = [];
  const cpu: number[] = [];
  const peak: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    run.step(i);
    wall.push(performance.now() - started);
    cpu.push(cpuSeconds(cpuStart) * 1000);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    for (let r = 0; r < 2; r++) peak.push(peakMatmul(a, b));
  }
  tf.dispose([a, b]);
  const msPerStep = median(wall);
  const cpuMsPerStep = median(cpu);
  const modelGflops = (3 * forwardFlopsPerToken(run.config) * BATCH * SEQ) / (cpuMsPerStep / 1000) / 1e9;
  return { tokensPerSecond: (BATCH * SEQ * 1000) / msPerStep, msPerStep, cpuMsPerStep, modelGflops, peakGflops: Math.max(...peak), peakRssMb: peakRss / 2 ** 20 };
}

function modelConfig(backbone: string): Record<string, unknown> {
  const width = values.width === undefined ? undefined : Number(values.width);
  if (width === undefined) return { backbone, maxLength: SEQ };
  return backbone === 'bilstm' ? { backbone, maxLength: SEQ, hidden: width } : { backbone, maxLength: SEQ, dModel: width, ffn: 2 * width };
}

const PHASES = ['forward', 'backward', 'optimizer'] as const;
const pct = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(1)}%`;
const gflops = (flops: number, ms: number): string => (flops > 0 ? (flops / ms / 1e6).toFixed(1) : '');

/** Where one step's time goes: kernel time by phase and kind, and the costliest kernel shapes. */
function printProfile(label: string, profile: KernelProfile, analyticFlops: number, timing: Timing, repeats: number, top: number): string {
  const kernels = profile.kernels;
  const kernelMs = kernels.reduce((sum, k) => sum + k.ms, 0);
  const matmulFlops = kernels.reduce((sum, k) => sum + k.flops, 0);
  const counts = PHASES.map((_, phase) => kernels.filter((k) => k.phase === phase).length);
  const lines = [
    `profile: ${label}, each kernel's fastest time over ${repeats} profiled steps`,
    `  ${kernels.length} kernels per step (forward ${counts[0]}, backward ${counts[1]}, optimizer ${counts[2]}) take ${kernelMs.toFixed(1)} ms;` +
      ` a timed step took ${timing.msPerStep.toFixed(1)} ms wall, ${timing.cpuMsPerStep.toFixed(1)} ms CPU (median)`,
    `  matmul kernels do ${(matmulFlops / 1e6).toFixed(0)} MFLOP per step (analytic count: ${(analyticFlops / 1e6).toFixed(0)} MFLOP);` +
      ` peak tensor memory ${(profile.peakBytes / 2 ** 20).toFixed(0)} MB`,
  ];
  const rows = [['kind', ...PHASES.map((p) => `${p} ms`), 'total ms', 'share', 'kernels', 'GFLOP/s']];
  for (const group of groupKernels(kernels, (k) => kernelCategoryOf(k))) {
    const byPhase = PHASES.map((_, phase) => kernels.filter((k) => kernelCategoryOf(k) === group.key && k.phase === phase).reduce((sum, k) => sum + k.ms, 0));
    rows.push([group.key, ...byPhase.map((ms) => ms.toFixed(1)), group.ms.toFixed(1), pct(group.ms, kernelMs), String(group.count), gflops(group.flops, group.ms)]);
  }
  rows.push(['all kernels', ...PHASES.map((_, phase) => kernels.filter((k) => k.phase === phase).reduce((sum, k) => sum + k.ms, 0).toFixed(1)), kernelMs.toFixed(1), '100%', String(kernels.length), gflops(matmulFlops, kernelMs)]);
  const shapes = (k: KernelRecord): string => {
    const inputs = k.inputShapes.filter((s) => s !== null).map((s) => `[${s!.join(',')}]`);
    if (inputs.length > 3 && inputs.every((s) => s === inputs[0])) return `${inputs.length}×${inputs[0]}`;
    // A kernel over many tensors (JsAdamW takes every weight, moment and gradient) is listed by their count.
    return inputs.length > 8 ? `${inputs.length} tensors` : inputs.join('·');
  };
  const topRows = [['phase', 'kernel', 'inputs', 'count', 'ms', 'share', 'GFLOP/s']];
  for (const group of groupKernels(kernels, (k) => `${PHASES[k.phase] ?? k.phase}\t${k.name}\t${shapes(k)}`).slice(0, top)) {
    topRows.push([...group.key.split('\t'), String(group.count), group.ms.toFixed(2), pct(group.ms, kernelMs), gflops(group.flops, group.ms)]);
  }
  return [...lines, '', ...alignColumns(rows), '', ...alignColumns(topRows)].join('\n');
}

/** Attention products (batched, or grouped as convolutions) and dense-layer products are told apart: they take different code paths. */
function kernelCategoryOf(k: KernelRecord): string {
  const category = kernelCategory(k.name);
  if (category !== 'matmul') return category;
  if (k.name === 'DepthwiseConv2dNative') return 'matmul (grouped)';
  const [a, b] = k.inputShapes;
  const batched = (s: readonly number[] | null | undefined): boolean => (s ?? []).slice(0, -2).reduce((x, y) => x * y, 1) > 1;
  return batched(a) || batched(b) ? 'matmul (batched)' : 'matmul';
}

const rows: string[][] = [['backend', 'backbone', 'tokens/s', 'ms/step', 'CPU ms/step', 'model GFLOP/s', 'matmul GFLOP/s', 'fraction', 'peak RSS MB']];
const profiles: string[] = [];
for (const backend of (values.backends ?? '').split(',') as ResolvedBackend[]) {
  await useBackend(backend);
  const steps = backend === 'cpu' ? 1 : Number(values.steps);
  for (const backbone of (values.backbones ?? '').split(',')) {
    const run = trainer(modelConfig(backbone));
    const r = timeSteps(run, steps);
    rows.push([backend, backbone, r.tokensPerSecond.toFixed(0), r.msPerStep.toFixed(0), r.cpuMsPerStep.toFixed(0), r.modelGflops.toFixed(3), r.peakGflops.toFixed(2), `${((r.modelGflops / r.peakGflops) * 100).toFixed(1)}%`, r.peakRssMb.toFixed(0)]);
    if (values.profile) {
      const repeats = Number(values['profile-steps']);
      let seed = 100;
      const profile = await profileKernels((mark) => run.step(seed++, mark), repeats);
      const analytic = 3 * forwardFlopsPerToken(run.config) * BATCH * SEQ;
      profiles.push(printProfile(`${backbone} on ${backend}`, profile, analytic, r, repeats, Number(values.top)));
    }
    if (values['matmul-bound']) {
      let seed = 200;
      profiles.push(`${backbone} on ${backend}, ${matmulBound((mark) => run.step(seed++, mark), 3 * forwardFlopsPerToken(run.config) * BATCH * SEQ)}`);
    }
    run.dispose();
  }
}
const sizes = values.width === undefined ? 'default config/model sizes' : `width ${values.width}`;
console.log(`batch ${BATCH} × seq ${SEQ}, ${sizes}, forward + backward + AdamW; medians of ${values.steps} steps`);
console.log('tokens/s and ms/step are wall clock; the GFLOP/s columns and the fraction are per CPU second of this process (matmul: best sample)');
console.log(alignColumns(rows).join('\n'));
for (const text of profiles) console.log(`\n${text}`);
