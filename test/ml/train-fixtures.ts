// Shared fixtures for the training tests: a CoNLL reader for the WNUT-17 files and tiny configs.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { LabelSet, Sample } from '../../stages/lib/data/sample.js';
import type { Hyperparameters } from '../../stages/lib/train/types.js';

export const WNUT_DIR = resolve(process.cwd(), '../shared/data/wnut17');

/** token<TAB>tag lines; any whitespace-only line ends a sentence. */
export function readConll(path: string, limit = Infinity): Sample[] {
  const samples: Sample[] = [];
  let tokens: string[] = [];
  let tags: string[] = [];
  const flush = (): void => {
    if (tokens.length > 0) {
      const text = tokens.join(' ');
      let at = 0;
      const offsets = tokens.map((t) => {
        const span = [at, at + t.length] as const;
        at += t.length + 1;
        return span;
      });
      samples.push({ id: `s${samples.length}`, text, tokens, offsets, tags });
    }
    tokens = [];
    tags = [];
  };
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (samples.length >= limit) break;
    if (line.trim() === '') {
      flush();
      continue;
    }
    const [token, tag] = line.split('\t');
    tokens.push(token ?? '');
    tags.push((tag ?? 'O').trim());
  }
  flush();
  return samples.slice(0, limit);
}

export function labelSetOf(samples: readonly Sample[]): LabelSet {
  const types = [...new Set(samples.flatMap((s) => s.tags.filter((t) => t !== 'O').map((t) => t.slice(2))))].sort();
  return { entityTypes: types, tags: ['O', ...types.flatMap((t) => [`B-${t}`, `I-${t}`])] };
}

export const TINY_HYPER: Hyperparameters = {
  learningRate: 0.01,
  batchSize: 8,
  epochs: 2,
  dropout: 0.1,
  weightDecay: 0.01,
  warmupRatio: 0.1,
  schedule: 'linear',
  clipNorm: 1,
  patience: 0,
  classWeighting: false,
};

export const TINY_MODELS = {
  bilstm: { backbone: 'bilstm', wordDim: 16, charDim: 8, charFilters: 8, maxChars: 10, maxLength: 24, minWordCount: 1, hidden: 12 },
  transformer: { backbone: 'transformer', wordDim: 16, charDim: 8, charFilters: 8, maxChars: 10, maxLength: 24, minWordCount: 1, dModel: 16, heads: 2, layers: 1, ffn: 32 },
} as const;

/** Every file under `dir`, by path relative to it, with its bytes (for byte-for-byte comparisons). */
export function readTree(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return new Map(files.map((file) => [relative(dir, file), readFileSync(file)]));
}
