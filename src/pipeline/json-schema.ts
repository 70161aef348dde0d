// The editor schema (yaml-language-server) for the unexpanded pipeline.yaml format.
import { z } from 'zod';
import { pipelineFileSchema } from './pipeline-schema.js';

export const SCHEMA_FILE = 'schema/pipeline.schema.json';

export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(pipelineFileSchema, { target: 'draft-2020-12', unrepresentable: 'any' }),
    title: 'dagmake pipeline',
  };
}

/** The exact text of schema/pipeline.schema.json. */
export function pipelineJsonSchemaText(): string {
  return `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
}
