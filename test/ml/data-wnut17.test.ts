// Real data: WNUT-17 through the file/conll path, checked against the counts in SOURCE.md.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { buildDataset } from '../../stages/lib/data/build-dataset.js';
import { parseDataConfig } from '../../stages/lib/data/config.js';

const wnutDir = path.resolve(process.cwd(), '../shared/data/wnut17');

const expected = {
  train: { samples: 3394, tokens: 62730, entities: 1975, perType: { person: 660, location: 548, group: 264, corporation: 221, product: 142, 'creative-work': 140 } },
  validation: { samples: 1009, tokens: 15733, entities: 836, perType: { person: 470, location: 74, group: 39, corporation: 34, product: 114, 'creative-work': 105 } },
  test: { samples: 1287, tokens: 23394, entities: 1079, perType: { person: 429, location: 150, group: 165, corporation: 66, product: 127, 'creative-work': 142 } },
};

const sorted = (record: Record<string, number>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

describe('WNUT-17', () => {
  it('reads all three files with the documented sentence, token and entity counts', async () => {
    const config = parseDataConfig(
      {
        source: 'file',
        files: { train: path.join(wnutDir, 'wnut17train.conll'), validation: path.join(wnutDir, 'emerging.dev.conll'), test: path.join(wnutDir, 'emerging.test.annotated') },
      },
      'wnut.yaml',
    );
    const dataset = await buildDataset(config, { root: process.cwd(), configFile: 'wnut.yaml' });
    for (const [split, counts] of Object.entries(expected)) {
      assert.deepEqual(dataset.stats.splits[split], { ...counts, perType: sorted(counts.perType) }, split);
    }
    assert.equal(dataset.stats.repairs.iobRepaired, 0);
    assert.deepEqual(dataset.labels.entityTypes, ['corporation', 'creative-work', 'group', 'location', 'person', 'product']);
    const sample = dataset.splits.train[0];
    assert.ok(sample);
    sample.tokens.forEach((token, i) => assert.equal(sample.text.slice(...(sample.offsets[i] as [number, number])), token));
  });

  it('config/data/wnut17.yaml names those files with their sha256 pins', async () => {
    const file = 'config/data/wnut17.yaml';
    const config = parseDataConfig(parseYaml(await readFile(path.resolve(process.cwd(), file), 'utf8')), file);
    assert.equal(config.format, 'conll');
    const dataset = await buildDataset(config, { root: process.cwd(), configFile: file });
    assert.equal(dataset.splits.test?.length, 1287);
    assert.equal(dataset.splits.validation.length, 1009);
  });
});
