// npm run predict -- "Jane Doe, Senior Data Engineer at Acme, jane@acme.io" [--model path.onnx]
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPredictor } from './predict.js';

const DEFAULT_MODEL = 'outputs/onnx_model/model_int8.onnx';

function parseArgs(argv: readonly string[]): { model: string; texts: string[] } {
  const texts: string[] = [];
  let model = DEFAULT_MODEL;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--model') model = argv[++i] ?? model;
    else texts.push(arg);
  }
  return { model: resolve(model), texts };
}

async function main(): Promise<number> {
  const { model, texts } = parseArgs(process.argv.slice(2));
  if (texts.length === 0) {
    process.stderr.write('usage: npm run predict -- "some resume text" [--model path/to/model.onnx]\n');
    return 2;
  }
  if (!existsSync(model)) {
    process.stderr.write(`No model at ${model}.\nBuild it first by running the pipeline (npm run pipeline), which ends with the export_onnx stage.\n`);
    return 1;
  }
  const predictor = await createPredictor(model);
  try {
    for (const text of texts) process.stdout.write(`${JSON.stringify(await predictor.predict(text), null, 2)}\n`);
  } finally {
    await predictor.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`predict: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
