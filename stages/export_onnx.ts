// Exports the final checkpoint to ONNX (FP32 + dynamic int8) and smoke-tests both against
// TensorFlow.js on the validation set; the stage fails when a bar in smoke.ts is missed.
// smoke.json holds what the models and data decide; the timings differ on every run, so they go to
// latency.json in ctx.runInfoDir and to the log.
//
// with: checkpoint (dir), validation (json), out (dir), backend (tfjs backend, default wasm),
//       benchWindows (validation windows timed per runtime, default 256), reduceRange (bool)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStage } from '../src/stage-api.js';
import type { Sample } from './lib/data/sample.js';
import { checkOnnxFile, type CheckResult } from './lib/onnx/checker.js';
import { weightArrays } from './lib/onnx/export-common.js';
import { exportOnnx } from './lib/onnx/export-model.js';
import { quantizeModel } from './lib/onnx/quantize.js';
import type { SpeedReport } from './lib/onnx/benchmark.js';
import { runSmokeTest } from './lib/onnx/smoke.js';
import { writeRunInfo } from './lib/run-info.js';
import { tf, useBackend, type BackendChoice } from './lib/tf/index.js';
import { loadCheckpoint } from './lib/train/checkpoint.js';

function speedLine(runtime: string, speed: SpeedReport): string {
  return `${runtime}: p50 ${speed.latencyP50Ms.toFixed(2)} ms, p95 ${speed.latencyP95Ms.toFixed(2)} ms per sentence, ${speed.throughput.toFixed(0)} sentences/s at batch ${speed.batchSize}`;
}

function setting<T>(value: unknown, fallback: T): T {
  return value === undefined || value === null ? fallback : (value as T);
}

export default defineStage(async (ctx) => {
  const checkpointDir = ctx.resolve(setting(ctx.with['checkpoint'], 'outputs/final_training/checkpoint'));
  const validationPath = ctx.resolve(setting(ctx.with['validation'], 'outputs/dataset/validation.json'));
  const outDir = ctx.resolve(setting(ctx.with['out'], 'outputs/onnx_model'));
  const benchWindows = Number(setting(ctx.with['benchWindows'], 256));
  const reduceRange = Boolean(setting(ctx.with['reduceRange'], false));

  await useBackend(setting<BackendChoice>(ctx.with['backend'], 'wasm'), ctx.log.info);
  const loaded = await loadCheckpoint(checkpointDir);
  try {
    ctx.progress({ current: 0, total: 3, unit: 'step', message: 'export' });
    const fp32 = exportOnnx({ weights: weightArrays(loaded.weights), config: loaded.config.model, vocab: loaded.vocab, labels: loaded.labels.tags });
    const { bytes: int8, report: quantization } = quantizeModel(fp32, { reduceRange });
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'model.onnx'), fp32);
    await writeFile(join(outDir, 'model_int8.onnx'), int8);
    for (const layer of quantization.leftFp32) ctx.log.info(`left in FP32: ${layer.tensor} (${layer.bytes} B): ${layer.reason}`);

    ctx.progress({ current: 1, total: 3, unit: 'step', message: 'smoke test' });
    const validation = JSON.parse(await readFile(validationPath, 'utf8')) as Sample[];
    const { speed, ...smoke } = await runSmokeTest({
      model: { weights: loaded.weights, config: loaded.config.model, vocab: loaded.vocab },
      tagNames: loaded.labels.tags,
      fp32,
      int8,
      quantization,
      validation,
      benchWindows,
      log: ctx.log.info,
    });

    ctx.progress({ current: 2, total: 3, unit: 'step', message: 'onnx.checker' });
    const checker: Record<string, CheckResult> = {
      'model.onnx': checkOnnxFile(join(outDir, 'model.onnx')),
      'model_int8.onnx': checkOnnxFile(join(outDir, 'model_int8.onnx')),
    };
    const checkerFailures = Object.entries(checker).flatMap(([file, r]) => (r.available && !r.ok ? [`onnx.checker rejected ${file}: ${r.message}`] : []));
    const failures = [...smoke.failures, ...checkerFailures];
    await writeFile(join(outDir, 'smoke.json'), `${JSON.stringify({ ...smoke, passed: failures.length === 0, failures, checker }, null, 2)}\n`);

    ctx.metric('onnx/max_abs_diff', smoke.parity.maxAbsDiff);
    ctx.metric('onnx/argmax_agreement', smoke.parity.argmaxAgreement);
    ctx.metric('onnx/f1_fp32', smoke.microF1.fp32);
    ctx.metric('onnx/f1_int8', smoke.microF1.int8);
    ctx.metric('onnx/size_ratio', smoke.size.ratio);
    if (speed) {
      await writeRunInfo(ctx.runInfoDir, 'latency.json', speed);
      for (const [runtime, report] of Object.entries(speed)) ctx.log.info(speedLine(runtime, report));
      ctx.metric('onnx/latency_p50_ms_int8', speed.ortInt8.latencyP50Ms);
      ctx.metric('onnx/throughput_int8', speed.ortInt8.throughput);
    }
    ctx.progress({ current: 3, total: 3, unit: 'step' });
    if (failures.length > 0) throw new Error(`ONNX smoke test failed (see ${join(outDir, 'smoke.json')}):\n- ${failures.join('\n- ')}`);
    ctx.log.info(
      `ONNX export ok: max |Δlogit| ${smoke.parity.maxAbsDiff.toExponential(2)}, F1 fp32 ${smoke.microF1.fp32.toFixed(4)} / int8 ${smoke.microF1.int8.toFixed(4)}, size ×${smoke.size.ratio.toFixed(2)}`,
    );
  } finally {
    tf.dispose(Object.values(loaded.weights));
  }
});
