// The export's acceptance check: ORT FP32 must reproduce TensorFlow.js, int8 must keep entity F1,
// and both are timed against TensorFlow.js on the same validation windows.
import type { Sample } from '../data/sample.js';
import { evaluate } from '../metrics/seqeval.js';
import { toWindows } from '../train/batching.js';
import { measureSpeed, type SpeedReport } from './benchmark.js';
import { tagSequences } from './ort-tagger.js';
import { compareLogits, tfjsLogits, type ParityReport, type TfjsModel } from './parity.js';
import type { QuantizeReport } from './quantize.js';
import { createSession } from './session.js';
import { runWindows } from './ort-tagger.js';

export const BARS = {
  maxAbsDiff: 1e-4,
  argmaxAgreement: 0.999,
  /** Allowed int8 micro-F1 drop, in F1 points (0–100 scale). */
  int8F1DropPoints: 1,
} as const;

export interface SmokeInput {
  readonly model: TfjsModel;
  readonly tagNames: readonly string[];
  readonly fp32: Uint8Array;
  readonly int8: Uint8Array;
  readonly quantization: QuantizeReport;
  readonly validation: readonly Sample[];
  /** Windows timed per runtime (the first ones of the validation set); 0 skips timing. */
  readonly benchWindows?: number;
  readonly log?: (message: string) => void;
}

export interface SmokeReport {
  readonly passed: boolean;
  readonly failures: readonly string[];
  readonly bars: typeof BARS;
  readonly backbone: string;
  readonly validation: { readonly sentences: number; readonly windows: number; readonly tokens: number };
  readonly parity: ParityReport;
  readonly int8Parity: ParityReport;
  readonly microF1: { readonly fp32: number; readonly int8: number; readonly dropPoints: number };
  readonly size: { readonly fp32Bytes: number; readonly int8Bytes: number; readonly ratio: number; readonly quantizedWeightRatio: number };
  readonly speed?: { readonly tfjs: SpeedReport; readonly ortFp32: SpeedReport; readonly ortInt8: SpeedReport };
  readonly quantization: QuantizeReport;
}

export async function runSmokeTest(input: SmokeInput): Promise<SmokeReport> {
  const log = input.log ?? (() => {});
  const { model, tagNames, validation } = input;
  const windows = toWindows(validation, model.config.maxLength);
  const fp32 = await createSession(input.fp32);
  const int8 = await createSession(input.int8);
  try {
    log(`comparing ORT FP32 with TensorFlow.js on ${windows.length} validation windows`);
    const parity = await compareLogits(model, fp32, windows, tagNames.length);
    const int8Parity = await compareLogits(model, int8, windows, tagNames.length);
    const options = { tagNames, maxLength: model.config.maxLength };
    const gold = validation.map((s) => s.tags);
    const tokens = validation.map((s) => s.tokens);
    const f1Fp32 = evaluate(gold, (await tagSequences(fp32, model.vocab, tokens, options)).tags).microF1;
    const f1Int8 = evaluate(gold, (await tagSequences(int8, model.vocab, tokens, options)).tags).microF1;
    const dropPoints = (f1Fp32 - f1Int8) * 100;

    let speed: SmokeReport['speed'];
    const timed = windows.slice(0, input.benchWindows ?? 256);
    if (timed.length > 0) {
      log(`timing TensorFlow.js, ORT FP32 and ORT int8 on ${timed.length} windows`);
      speed = {
        tfjs: await measureSpeed(async (batch) => void tfjsLogits(model, batch), timed),
        ortFp32: await measureSpeed(async (batch) => void (await runWindows(fp32, model.vocab, batch)), timed),
        ortInt8: await measureSpeed(async (batch) => void (await runWindows(int8, model.vocab, batch)), timed),
      };
    }

    const failures: string[] = [];
    if (!(parity.maxAbsDiff <= BARS.maxAbsDiff)) failures.push(`FP32 logits differ from TensorFlow.js by ${parity.maxAbsDiff} (> ${BARS.maxAbsDiff})`);
    if (!(parity.argmaxAgreement >= BARS.argmaxAgreement)) failures.push(`FP32 argmax agrees on ${(parity.argmaxAgreement * 100).toFixed(3)}% of tokens (< ${BARS.argmaxAgreement * 100}%)`);
    if (!(dropPoints <= BARS.int8F1DropPoints)) failures.push(`int8 micro F1 ${f1Int8.toFixed(4)} is ${dropPoints.toFixed(2)} points below FP32 ${f1Fp32.toFixed(4)} (> ${BARS.int8F1DropPoints})`);
    return {
      passed: failures.length === 0,
      failures,
      bars: BARS,
      backbone: model.config.backbone,
      validation: { sentences: validation.length, windows: windows.length, tokens: parity.tokens },
      parity,
      int8Parity,
      microF1: { fp32: f1Fp32, int8: f1Int8, dropPoints },
      size: {
        fp32Bytes: input.fp32.byteLength,
        int8Bytes: input.int8.byteLength,
        ratio: input.fp32.byteLength / input.int8.byteLength,
        quantizedWeightRatio: input.quantization.quantizedWeightRatio,
      },
      ...(speed ? { speed } : {}),
      quantization: input.quantization,
    };
  } finally {
    await fp32.release();
    await int8.release();
  }
}
