// TensorFlow.js vs ONNX Runtime FP32 vs int8: per-sentence latency (p50/p95, batch 1), throughput
// at batch 32 and model sizes, for each backbone at its default size.
// Usage: node --import tsx bench/onnx-bench.ts [sentences=200] [checkpointDir]
// Without a checkpoint the weights are random (speed does not depend on training); sentences come
// from the WNUT-17 dev set when present, else from a synthetic generator.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildVocabulary, initWeights, parseModelConfig, vocabSizes, type BackboneConfig, type Vocabulary, type WeightMap } from '../stages/lib/model/index.js';
import { measureSpeed, type SpeedReport } from '../stages/lib/onnx/benchmark.js';
import { weightArrays } from '../stages/lib/onnx/export-common.js';
import { exportOnnx } from '../stages/lib/onnx/export-model.js';
import { runWindows } from '../stages/lib/onnx/ort-tagger.js';
import { tfjsLogits } from '../stages/lib/onnx/parity.js';
import { quantizeModel } from '../stages/lib/onnx/quantize.js';
import { createSession } from '../stages/lib/onnx/session.js';
import { tf, useBackend } from '../stages/lib/tf/index.js';
import { toWindows } from '../stages/lib/train/batching.js';
import { loadCheckpoint } from '../stages/lib/train/checkpoint.js';
import { positionalArgs } from './positional-args.js';

export interface OnnxBenchResult {
  readonly backbone: string;
  readonly sentences: number;
  readonly fp32Bytes: number;
  readonly int8Bytes: number;
  readonly tfjs: SpeedReport;
  readonly ortFp32: SpeedReport;
  readonly ortInt8: SpeedReport;
}

const TAGS = ['O', ...['NAME', 'ORG', 'TITLE', 'EMAIL', 'SKILL'].flatMap((t) => [`B-${t}`, `I-${t}`])];

function sentences(count: number): string[][] {
  const dev = path.resolve('../shared/data/wnut17/emerging.dev.conll');
  if (existsSync(dev)) {
    const out: string[][] = [];
    for (const block of readFileSync(dev, 'utf8').split(/\r?\n\s*\r?\n/)) {
      const tokens = block.split(/\r?\n/).map((line) => line.split('\t')[0] ?? '').filter((t) => t.length > 0);
      if (tokens.length > 0) out.push(tokens);
      if (out.length >= count) break;
    }
    return out;
  }
  const words = ['Jane', 'Doe', 'Senior', 'Data', 'Engineer', 'at', 'Acme', ',', 'Python', 'TensorFlow', 'jane@acme.io', '2019'];
  return Array.from({ length: count }, (_, i) => Array.from({ length: 5 + ((i * 7) % 40) }, (_, j) => words[(i + j * 3) % words.length]!));
}

async function benchModel(weights: WeightMap, config: BackboneConfig, vocab: Vocabulary, tags: readonly string[], text: string[][]): Promise<OnnxBenchResult> {
  const fp32 = exportOnnx({ weights: weightArrays(weights), config, vocab, labels: tags });
  const int8 = quantizeModel(fp32).bytes;
  const windows = toWindows(text.map((tokens) => ({ tokens, tags: [] })), config.maxLength);
  const model = { weights, config, vocab };
  const sessions = [await createSession(fp32), await createSession(int8)] as const;
  return {
    backbone: config.backbone,
    sentences: windows.length,
    fp32Bytes: fp32.byteLength,
    int8Bytes: int8.byteLength,
    tfjs: await measureSpeed(async (batch) => void tfjsLogits(model, batch), windows),
    ortFp32: await measureSpeed(async (batch) => void (await runWindows(sessions[0], vocab, batch)), windows),
    ortInt8: await measureSpeed(async (batch) => void (await runWindows(sessions[1], vocab, batch)), windows),
  };
}

export async function runOnnxBench(count = 200, checkpointDir?: string): Promise<OnnxBenchResult[]> {
  await useBackend('wasm');
  const text = sentences(count);
  if (checkpointDir) {
    const loaded = await loadCheckpoint(checkpointDir);
    return [await benchModel(loaded.weights, loaded.config.model, loaded.vocab, loaded.labels.tags, text)];
  }
  const results: OnnxBenchResult[] = [];
  for (const backbone of ['bilstm', 'transformer']) {
    const config = parseModelConfig({ backbone });
    const vocab = buildVocabulary(text, config);
    const weights = initWeights(config, vocabSizes(vocab), TAGS.length, 1);
    results.push(await benchModel(weights, config, vocab, TAGS, text));
    tf.dispose(Object.values(weights));
  }
  return results;
}

function row(name: string, s: SpeedReport): string {
  return `  ${name.padEnd(9)} p50 ${s.latencyP50Ms.toFixed(2).padStart(7)} ms  p95 ${s.latencyP95Ms.toFixed(2).padStart(7)} ms  batch ${s.batchSize}: ${s.throughput.toFixed(0).padStart(6)} sent/s`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = positionalArgs('Usage: node dist/bench/onnx-bench.js [sentences=200] [checkpointDir]', [
    { name: 'sentences' },
    { name: 'checkpointDir', text: true },
  ]);
  const results = await runOnnxBench(Number(args.get('sentences') ?? 200), args.get('checkpointDir'));
  for (const r of results) {
    console.log(`${r.backbone}: ${r.sentences} sentences, model ${(r.fp32Bytes / 1024).toFixed(0)} KiB → int8 ${(r.int8Bytes / 1024).toFixed(0)} KiB (×${(r.fp32Bytes / r.int8Bytes).toFixed(2)})`);
    console.log(row('tfjs', r.tfjs));
    console.log(row('ort fp32', r.ortFp32));
    console.log(row('ort int8', r.ortInt8));
  }
}
