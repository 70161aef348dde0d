import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { pipelineJsonSchemaText, SCHEMA_FILE } from '../../src/pipeline/json-schema.js';
import { pipelineFileSchema } from '../../src/pipeline/pipeline-schema.js';

describe('pipeline JSON Schema', () => {
  test('the committed schema file is up to date (npm run schema)', async () => {
    const committed = await readFile(path.resolve(process.cwd(), SCHEMA_FILE), 'utf8');
    assert.equal(committed, pipelineJsonSchemaText());
  });

  test('describes every stage key', () => {
    const schema = JSON.parse(pipelineJsonSchemaText()) as {
      properties: { stages: { additionalProperties: { properties: Record<string, { description?: string }> } } };
    };
    const stageKeys = schema.properties.stages.additionalProperties.properties;
    assert.ok(Object.keys(stageKeys).includes('matrix'));
    for (const [key, property] of Object.entries(stageKeys)) assert.ok(property.description, `no description for "${key}"`);
  });

  test('accepts the documented format, unexpanded', () => {
    const example = parse(
      [
        'vars: [config/vars.yaml, {seed: 42, backbones: [bilstm, transformer]}]',
        'stages:',
        '  train:',
        '    uses: stages/train.ts',
        '    with: {mode: final, lr: "${lr}"}',
        '    matrix: {backbone: "${backbones}", lr: [0.1, 0.01]}',
        '    outs: [out/a, {out/b: {persist: true}}]',
        '    params: [p.yaml, {q.yaml: [a.b]}]',
        '  evaluate:',
        '    foreach: [a, b]',
        '    do: {cmd: "echo ${item}"}',
      ].join('\n'),
    );
    assert.equal(pipelineFileSchema.safeParse(example).success, true);
  });
});
