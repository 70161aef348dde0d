// Worker thread that owns the ONNX Runtime session, so inference never blocks the caller's event loop.
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { TextTagger } from './lib/onnx/text-tagger.js';

export interface PredictRequest {
  readonly id: number;
  readonly text: string;
}

export type PredictReply = { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

const port = parentPort;
if (!port) throw new Error('predict-worker must run in a worker thread');

const { modelPath } = workerData as { modelPath: string };
const ready = readFile(modelPath).then((bytes) => TextTagger.load(bytes));
// Report load failures at once instead of on the first request.
ready.then(
  () => port.postMessage({ ready: true }),
  (error: unknown) => port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) }),
);

port.on('message', (request: PredictRequest) => {
  ready
    .then((tagger) => tagger.predict(request.text))
    .then(
      (result) => port.postMessage({ id: request.id, result } satisfies PredictReply),
      (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies PredictReply),
    );
});
