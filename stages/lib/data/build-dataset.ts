// Config → source files → documents → Samples per split, labels and stats.
import type { DataConfig } from './config.js';
import { SPLIT_NAMES, type RawDocument, type SplitName } from './documents.js';
import { DatasetError } from './errors.js';
import { detectFormat, isFormatName, parseDocuments, unknownFormatError } from './formats/index.js';
import { EMBEDDED_LABELS, generateResumes } from './generator/resume-generator.js';
import { buildLabelSet, type LabelRules } from './labels.js';
import { normaliseDocument } from './normalise.js';
import { emptyRepairCounts, type RepairCounts } from './repair-counts.js';
import type { LabelSet, Sample } from './sample.js';
import { acquireSourceFiles, type SourceFile } from './sources/acquire.js';
import { splitParts } from './split.js';
import { splitStats, type DatasetStats } from './stats.js';
import { formatSplitFile } from './write-output.js';

export interface DatasetSplits {
  readonly train: Sample[];
  readonly validation: Sample[];
  readonly test?: Sample[];
}

export interface BuiltDataset {
  readonly splits: DatasetSplits;
  readonly labels: LabelSet;
  readonly stats: DatasetStats;
}

export interface BuildOptions {
  /** Project root: relative paths in the config resolve against it. */
  readonly root: string;
  /** The config file as shown in messages. */
  readonly configFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** Documents per split; `unsplit` still needs a train/validation(/test) split. */
export interface ParsedSource {
  readonly splits: Partial<Record<SplitName, RawDocument[]>>;
  readonly unsplit?: RawDocument[];
}

export function parseSourceFiles(files: readonly SourceFile[], config: DataConfig, counts: RepairCounts): ParsedSource {
  const splits: Partial<Record<SplitName, RawDocument[]>> = {};
  let unsplit: RawDocument[] | undefined;
  for (const file of files) {
    if (config.format !== 'auto' && !isFormatName(config.format)) throw unknownFormatError(config.format, file.name);
    const format = isFormatName(config.format) ? config.format : detectFormat(file.content, file.name);
    const documents = parseDocuments(format, file.content, file.name, file.split ?? 'doc', counts);
    if (documents.length === 0) {
      throw new DatasetError(`${file.name}: the dataset is empty (no records found as ${format}); check the file and format:.`);
    }
    if (file.split) splits[file.split] = documents;
    else unsplit = documents;
  }
  return { splits, unsplit };
}

export function embeddedSource(config: DataConfig): ParsedSource {
  const documents = generateResumes(config.size.train + config.size.validation, config.seed);
  const train = documents.slice(0, config.size.train);
  const validation = documents.slice(config.size.train);
  const testFraction = config.split.test ?? 0;
  if (testFraction === 0) return { splits: { train, validation } };
  // Held out of each generated split so that train and validation shrink by the same fraction.
  const seed = config.split.seed ?? config.seed;
  const fromTrain = splitParts(train, { validation: 0, test: testFraction }, seed);
  const fromValidation = splitParts(validation, { validation: 0, test: testFraction }, seed + 1);
  return {
    splits: { train: fromTrain.train, validation: fromValidation.train, test: [...fromTrain.test, ...fromValidation.test] },
  };
}

function normaliseAll(documents: readonly RawDocument[], config: DataConfig, rules: LabelRules, counts: RepairCounts): Sample[] {
  const samples: Sample[] = [];
  for (const doc of documents) {
    const sample = normaliseDocument(doc, { labels: rules, repair: config.repair }, counts);
    if (sample.tokens.length === 0) counts.emptyDocumentDropped++;
    else samples.push(sample);
  }
  return samples;
}

function describeSource(config: DataConfig, files: readonly SourceFile[]): Record<string, unknown> {
  const base = { kind: config.source, format: config.format };
  switch (config.source) {
    case 'embedded':
      return { ...base, generator: 'resume', size: config.size, ...(config.split.test ? { heldOutForTest: config.split.test } : {}) };
    case 'kaggle':
      return { ...base, dataset: config.kaggle.dataset, files: files.map((file) => file.name) };
    default:
      return { ...base, files: files.map((file) => file.name) };
  }
}

/** Pure part of the build: documents to samples, split, labels and stats. */
export function buildFromDocuments(
  parsed: ParsedSource,
  config: DataConfig,
  configFile: string,
  source: Record<string, unknown>,
  counts: RepairCounts = emptyRepairCounts(),
): BuiltDataset {
  const rules: LabelRules = { ...config.labels, configFile };
  const bySplit: Partial<Record<SplitName, Sample[]>> = {};
  for (const split of SPLIT_NAMES) {
    const documents = parsed.splits[split];
    if (documents) bySplit[split] = normaliseAll(documents, config, rules, counts);
  }
  const splitSeed = config.split.seed ?? config.seed;
  const pool = parsed.unsplit ? normaliseAll(parsed.unsplit, config, rules, counts) : bySplit.train;
  const fractions = {
    validation: bySplit.validation ? 0 : config.split.validation,
    test: bySplit.test ? 0 : (config.split.test ?? 0),
  };
  if (pool && (parsed.unsplit || fractions.validation > 0 || fractions.test > 0)) {
    const { train, validation, test } = splitParts(pool, fractions, splitSeed);
    bySplit.train = train;
    bySplit.validation ??= validation;
    if (fractions.test > 0) bySplit.test = test;
  }
  const train = bySplit.train ?? [];
  if (train.length === 0) {
    throw new DatasetError(`${configFile}: the dataset is empty: no training samples after normalisation (see the repair counts).`);
  }
  const splits: DatasetSplits = { train, validation: bySplit.validation ?? [], ...(bySplit.test ? { test: bySplit.test } : {}) };
  const seenTypes = Object.values(splits).flatMap((samples: Sample[]) =>
    samples.flatMap((sample) => sample.tags.filter((tag) => tag !== 'O').map((tag) => tag.slice(2))),
  );
  const declared = config.source === 'embedded' && !config.labels.keep ? EMBEDDED_LABELS : (config.labels.keep ?? []);
  const labels = buildLabelSet([...declared, ...seenTypes]);
  const stats: DatasetStats = {
    source,
    seed: config.seed,
    splits: Object.fromEntries(Object.entries(splits).map(([name, samples]) => [name, splitStats(samples)])),
    repairs: counts,
  };
  return { splits, labels, stats };
}

export async function buildDataset(config: DataConfig, options: BuildOptions): Promise<BuiltDataset> {
  const counts = emptyRepairCounts();
  const files = await acquireSourceFiles(config, options);
  const parsed = config.source === 'embedded' ? embeddedSource(config) : parseSourceFiles(files, config, counts);
  return buildFromDocuments(parsed, config, options.configFile, describeSource(config, files), counts);
}

/** File name → content for the output directory. */
export function datasetFiles(dataset: BuiltDataset): Record<string, string> {
  const files: Record<string, string> = {
    'train.json': formatSplitFile(dataset.splits.train),
    'validation.json': formatSplitFile(dataset.splits.validation),
    'labels.json': `${JSON.stringify(dataset.labels, null, 2)}\n`,
    'stats.json': `${JSON.stringify(dataset.stats, null, 2)}\n`,
  };
  if (dataset.splits.test) files['test.json'] = formatSplitFile(dataset.splits.test);
  return files;
}
