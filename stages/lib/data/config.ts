// The data config file (config/data/*.yaml): schema, defaults and loading.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DatasetError } from './errors.js';
import { FORMAT_NAMES } from './formats/index.js';

const sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'a sha256 pin is 64 hex digits');
const splitFiles = z.strictObject({ train: z.string(), validation: z.string().optional(), test: z.string().optional() });

export const dataConfigSchema = z.strictObject({
  source: z.enum(['embedded', 'file', 'url', 'kaggle']).default('embedded'),
  format: z.union([z.literal('auto'), z.string()]).default('auto'),
  seed: z.number().int().default(13),
  /** `embedded`: number of generated resumes per split. */
  size: z
    .strictObject({ train: z.number().int().positive(), validation: z.number().int().nonnegative() })
    .default({ train: 300, validation: 60 }),
  /** `file`: one file (split by `split`) or one file per split. Project-relative or absolute. */
  path: z.string().optional(),
  files: splitFiles.optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  sha256: z.union([sha256, z.strictObject({ train: sha256, validation: sha256.optional(), test: sha256.optional() })]).optional(),
  kaggle: z
    .strictObject({
      dataset: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'owner/slug').default('yashpwrr/resume-ner-training-dataset'),
      file: z.string().optional(),
      base: z.url({ protocol: /^https?$/ }).default('https://www.kaggle.com'),
    })
    .default({ dataset: 'yashpwrr/resume-ner-training-dataset', base: 'https://www.kaggle.com' }),
  /**
   * Fractions held out of sources that do not come split. `test` applies only where the source has
   * no test split; for `embedded` it is held out of the generated train and validation resumes each.
   */
  split: z
    .strictObject({
      validation: z.number().min(0).max(0.9).default(0.15),
      test: z.number().min(0).max(0.9).optional(),
      seed: z.number().int().optional(),
    })
    .refine((split) => split.validation + (split.test ?? 0) <= 0.9, {
      message: 'validation + test must be at most 0.9 so that training keeps data',
    })
    .default({ validation: 0.15 }),
  labels: z
    .strictObject({
      map: z.record(z.string(), z.string().min(1).nullable()).default({}),
      keep: z.array(z.string().min(1)).optional(),
      strict: z.boolean().default(false),
    })
    .default({ map: {}, strict: false }),
  repair: z
    .strictObject({
      mismatch: z.enum(['relocate', 'drop']).default('relocate'),
      overlap: z.enum(['longest', 'first']).default('longest'),
    })
    .default({ mismatch: 'relocate', overlap: 'longest' }),
  /** Output directory when the stage's `with.out` does not name one. */
  out: z.string().optional(),
});

export type DataConfig = z.infer<typeof dataConfigSchema>;

function issueText(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
}

/** Validates a parsed config object; `file` names it in error messages. */
export function parseDataConfig(raw: unknown, file: string): DataConfig {
  const result = dataConfigSchema.safeParse(raw ?? {});
  if (!result.success) throw new DatasetError(`${file}: invalid data config: ${issueText(result.error)}.`);
  const config = result.data;
  if (config.format !== 'auto' && !(FORMAT_NAMES as readonly string[]).includes(config.format)) {
    throw new DatasetError(`${file}: unknown format "${config.format}"; known formats: auto, ${FORMAT_NAMES.join(', ')}.`);
  }
  if (config.source === 'file' && !config.path && !config.files) {
    throw new DatasetError(`${file}: source: file needs path: (one file) or files: {train: ..., validation: ...}.`);
  }
  if (config.split.test !== undefined && config.files?.test !== undefined) {
    throw new DatasetError(`${file}: split.test holds a test split out, but files.test already gives one; remove one of them.`);
  }
  if (config.source === 'url' && !config.url) throw new DatasetError(`${file}: source: url needs url: https://...`);
  return config;
}

export async function loadDataConfig(absolutePath: string, shownAs = absolutePath): Promise<DataConfig> {
  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch (error) {
    throw new DatasetError(`${shownAs}: cannot read the data config (${(error as NodeJS.ErrnoException).code ?? error}).`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new DatasetError(`${shownAs}: invalid YAML: ${(error as Error).message}`);
  }
  return parseDataConfig(raw, shownAs);
}
