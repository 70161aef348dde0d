// Which stages a pipeline edit redefines: a moved stage or a new description is no change, but a
// value under env: or with: counts whatever its key is called, `location` and `desc` included.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Hasher } from '../../src/hash/hasher.js';
import { changedDefinitions, loadWatchPlan } from '../../src/watch/watch-plan.js';
import { tempProject } from '../helpers/temp-project.js';

const pipeline = (region: string, extra = '') => `stages:
${extra}  train:
    desc: trains
    cmd: echo > model.txt
    env: {location: ${region}, desc: small}
    outs: [model.txt]
  report:
    cmd: echo > report.txt
    outs: [report.txt]
`;

test('changedDefinitions counts env keys named location or desc, and not where a stage sits', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline('eu') });
  const hasher = await Hasher.open(project.root);
  try {
    const plan = async () => {
      const loaded = await loadWatchPlan(path.join(project.root, 'pipeline.yaml'), 'pipeline.yaml', { targets: [], downstream: false, single: false }, hasher);
      assert.ok(loaded.ok);
      return loaded.value;
    };
    const before = await plan();
    await project.write('pipeline.yaml', pipeline('eu', '  first:\n    desc: moved everything down\n    cmd: echo > first.txt\n    outs: [first.txt]\n').replace('desc: trains', 'desc: trains a model'));
    assert.deepEqual(changedDefinitions(before, await plan()), []);
    await project.write('pipeline.yaml', pipeline('us'));
    assert.deepEqual(changedDefinitions(before, await plan()), ['train']);
    await project.write('pipeline.yaml', pipeline('eu').replace('desc: small', 'desc: large'));
    assert.deepEqual(changedDefinitions(before, await plan()), ['train']);
  } finally {
    await hasher.close();
    await project.dispose();
  }
});
