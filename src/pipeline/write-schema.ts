// Writes schema/pipeline.schema.json from the zod schema: `node dist/src/pipeline/write-schema.js`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipelineJsonSchemaText, SCHEMA_FILE } from './json-schema.js';

const target = path.resolve(process.cwd(), SCHEMA_FILE);
await writeFile(target, pipelineJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
