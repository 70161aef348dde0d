// Programmatic prediction API: an exported ONNX tagger served from a worker thread.
//
//   const predictor = await createPredictor('outputs/onnx_model/model_int8.onnx');
//   const { entities } = await predictor.predict('Jane Doe, Data Engineer at Acme');
//   await predictor.close();
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PredictionResult } from './lib/onnx/text-tagger.js';

export type { PredictedEntity, PredictionResult } from './lib/onnx/text-tagger.js';

export interface Predictor {
  predict(text: string): Promise<PredictionResult>;
  close(): Promise<void>;
}

type WorkerMessage =
  | { ready: true }
  | { ready: false; error: string }
  | { id: number; result: PredictionResult }
  | { id: number; error: string };

/**
 * The worker next to this module: the compiled .js, or from source the .ts file, loaded through
 * tsx's loader registered inside the worker (loader hooks of the main thread do not reach it).
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(fileURLToPath(new URL('./predict-worker.js', import.meta.url)), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./predict-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Loads the model in a worker; rejects if the file is missing or not an exported tagger. */
export async function createPredictor(modelPath: string): Promise<Predictor> {
  if (!existsSync(modelPath)) throw new Error(`ONNX model not found: ${modelPath}`);
  const worker = startWorker({ modelPath });
  const pending = new Map<number, { resolve: (r: PredictionResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;

  const failAll = (error: Error): void => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) {
        if (message.ready) resolve();
        else reject(new Error(message.error));
        return;
      }
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if ('error' in message) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
    worker.on('error', (error) => {
      reject(error);
      failAll(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`prediction worker exited (code ${code})`);
      reject(error);
      failAll(error);
    });
  });

  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  return {
    predict(text: string): Promise<PredictionResult> {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, text });
      });
    },
    async close(): Promise<void> {
      failure ??= new Error('predictor is closed');
      await worker.terminate();
    },
  };
}
