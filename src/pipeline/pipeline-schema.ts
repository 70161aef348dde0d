// The unexpanded pipeline.yaml format as zod schemas: the single source for validation
// messages and for the editor JSON Schema. Every error message reads "expected X, got Y".
import { z } from 'zod';

export const STAGE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const STAGE_NAME_HINT =
  'stage names are made of ASCII letters, digits, "_", "." and "-", and start with a letter, a digit or "_" ("@" is reserved for matrix and foreach expansions)';

/** "a string", "a list", "the number 3": how a wrong value is named in messages. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => `expected ${what}, got ${describeValue(issue.input)}`,
});

const text = (what: string) => z.string(expected(what));
const interpolation = z
  .string(expected('a "${var}" reference'))
  .regex(/^\$\{[^}]+\}$/, expected('a "${var}" reference'))
  .describe('A "${var}" reference to a list (or map) defined in "vars".');

const pathList = (description: string) =>
  z.array(text('a path'), expected('a list of paths')).describe(description);

const outOptions = z
  .strictObject(
    {
      persist: z
        .boolean(expected('true or false'))
        .optional()
        .describe('Keep the previous content in place while the stage runs instead of removing it first (default false).'),
      cache: z
        .boolean(expected('true or false'))
        .optional()
        .describe('Store the output in the content-addressed cache (default true).'),
    },
    expected('a map of output options (persist, cache)'),
  )
  .nullable();

const outList = (description: string) =>
  z
    .array(
      z.union(
        [
          text('a path'),
          z.record(z.string(), outOptions, expected('a path or a map {path: {persist, cache}}')),
        ],
        expected('a path or a map {path: {persist, cache}}'),
      ),
      expected('a list of paths'),
    )
    .describe(description);

const paramsList = z
  .array(
    z.union(
      [
        text('a params file name'),
        z.record(
          z.string(),
          z.array(text('a dotted key'), expected('a list of dotted keys')),
          expected('a params file name or a map {file: [keys]}'),
        ),
      ],
      expected('a params file name or a map {file: [keys]}'),
    ),
    expected('a list of params files'),
  )
  .describe(
    'Parameters the stage depends on: "file.yaml" (every top-level key) or {file.yaml: [dotted.keys]}. Only the selected values are tracked.',
  );

const inlineVars = z.record(z.string(), z.unknown(), expected('a map of variables'));

const matrixValue = z.union(
  [z.array(z.unknown(), expected('a list of values')), interpolation],
  expected('a list of values or a "${var}" reference to one'),
);

export const stageBodyShape = {
  desc: text('a description').optional().describe('Human-readable description of the stage.'),
  cmd: z
    .union([text('a shell command'), z.array(text('a shell command'))], expected('a command or a list of commands'))
    .optional()
    .describe('Shell command, or a list of commands run in sequence. Mutually exclusive with "uses".'),
  uses: text('a module path')
    .optional()
    .describe('Project-relative path of a TypeScript stage module (default export defineStage(...)). Mutually exclusive with "cmd".'),
  with: z
    .record(z.string(), z.unknown(), expected('a map'))
    .optional()
    .describe('Free-form map passed to the "uses" module as ctx.with; "${var}" references are resolved.'),
  wdir: text('a directory path')
    .optional()
    .describe('Project-relative working directory for "cmd" (default "."). Paths in deps/outs stay project-relative.'),
  deps: pathList('Project-relative files or directories the stage reads; a change re-runs the stage.').optional(),
  params: paramsList.optional(),
  outs: outList('Files or directories the stage produces: "path" or {path: {persist, cache}}.').optional(),
  metrics: outList('Metrics files the stage produces (same form as "outs").').optional(),
  plots: outList('Plot data files the stage produces (same form as "outs").').optional(),
  env: z
    .record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean()], expected('a string, number or boolean')),
      expected('a map of environment variables'),
    )
    .optional()
    .describe('Extra environment variables for the stage; values are converted to strings.'),
  always_changed: z
    .boolean(expected('true or false'))
    .optional()
    .describe('Run the stage on every run, even when nothing changed (default false).'),
  frozen: z
    .boolean(expected('true or false'))
    .optional()
    .describe('Never run the stage; its recorded outputs are used as they are (default false).'),
  resume: z
    .boolean(expected('true or false'))
    .optional()
    .describe(
      'Give the command $DAGMAKE_RESUME_DIR: a directory kept across failed attempts, for state that lets the next attempt continue, removed when the stage succeeds (default false; module stages always get ctx.resumeDir).',
    ),
  resources: z
    .strictObject(
      {
        cpu: z
          .int(expected('a whole number ≥ 1'))
          .min(1, expected('a whole number ≥ 1'))
          .optional()
          .describe('CPU slots the stage occupies out of "-j N" (default 1).'),
        mutex: z
          .union([text('a mutex name'), z.array(text('a mutex name'))], expected('a mutex name or a list of them'))
          .optional()
          .describe('Named mutex group(s): stages sharing a name never run at the same time.'),
      },
      expected('a map with "cpu" and/or "mutex"'),
    )
    .optional()
    .describe('Scheduling resources.'),
  vars: z
    .array(inlineVars, expected('a list of variable maps'))
    .optional()
    .describe('Stage-local variables (inline maps only), added to the pipeline "vars".'),
};

const matrixSchema = z
  .record(z.string(), matrixValue, expected('a map of lists'))
  .describe('Cartesian product over these lists: one stage per combination, named "stage@v1-v2"; use "${item.<key>}".');

export const stageBodySchema = z.strictObject(
  { ...stageBodyShape, matrix: matrixSchema.optional() },
  expected('a map describing the stage'),
);

const foreachBodySchema = z
  .strictObject(stageBodyShape, expected('a map describing the stage'))
  .describe('The stage template for each "foreach" item.');

export const stageEntrySchema = z
  .strictObject(
    {
      ...stageBodyShape,
      matrix: matrixSchema.optional(),
      foreach: z
        .union(
          [z.array(z.unknown()), z.record(z.string(), z.unknown()), interpolation],
          expected('a list, a map or a "${var}" reference to one'),
        )
        .optional()
        .describe(
          'One stage per item, named "stage@<item>" (lists of scalars), "stage@<index>" (lists of maps) or "stage@<key>" (maps); use "${item}", "${item.<key>}" and "${key}".',
        ),
      do: foreachBodySchema.optional(),
    },
    expected('a map describing the stage'),
  )
  .describe('A stage: "cmd" or "uses", plus its deps, params and outputs; or "foreach" + "do".');

export const varsSchema = z
  .array(
    z.union([text('a vars file name'), inlineVars], expected('a vars file name or a map of variables')),
    expected('a list of vars files and variable maps'),
  )
  .describe('Variables for "${name}": project-relative YAML/JSON files (their top-level keys) or inline maps.');

export const stageNameSchema = z.string().regex(STAGE_NAME_PATTERN);

export const stagesSchema = z
  .record(stageNameSchema, stageEntrySchema, expected('a map of stages'))
  .describe('The stages, by name (letters, digits, "_", "." and "-"; "@" is reserved for expansions).');

export const pipelineFileSchema = z
  .strictObject(
    {
      vars: varsSchema.optional(),
      stages: stagesSchema,
    },
    expected('a map with "stages"'),
  )
  .describe('dagmake pipeline definition (pipeline.yaml).');

/** The top level alone: vars and each stage are validated on their own, so one bad part hides nothing else. */
export const pipelineTopSchema = z.strictObject(
  {
    vars: z.unknown().optional(),
    stages: z.record(z.string(), z.unknown(), {
      error: (issue) => (issue.input === undefined ? 'missing "stages"' : `expected a map of stages, got ${describeValue(issue.input)}`),
    }),
  },
  expected('a map with "stages"'),
);

export type RawStageEntry = z.infer<typeof stageEntrySchema>;
export type RawStageBody = z.infer<typeof foreachBodySchema>;
export type RawOutList = NonNullable<RawStageBody['outs']>;
export type RawVars = z.infer<typeof varsSchema>;
