import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBackend } from '../../stages/lib/tf/backend.js';

const installed = async (specifier: string): Promise<boolean> => import(specifier).then(
  () => true,
  () => false,
);

test('an explicit backend that cannot start is an input error with the reason and a fix', async (t) => {
  if (await installed('@tensorflow/tfjs-node')) return t.skip('@tensorflow/tfjs-node is installed here');
  await assert.rejects(useBackend('tfjs-node'), (error: Error & { stageInputError?: boolean }) => {
    assert.equal(error.stageInputError, true);
    assert.match(error.message, /^backend: TensorFlow\.js backend 'tfjs-node' could not be started \(Cannot find package '@tensorflow\/tfjs-node'/);
    assert.match(error.message, /install @tensorflow\/tfjs-node .*or set backend: auto/);
    return true;
  });
});

test('auto says why each faster backend was passed over', async () => {
  const logs: string[] = [];
  const chosen = await useBackend('auto', (message) => logs.push(message));
  assert.ok(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'].includes(chosen));
  assert.equal(logs.at(-1), `tensorflow.js backend: ${chosen}`);
  for (const line of logs.slice(0, -1)) assert.match(line, /^tensorflow\.js backend \S+ unavailable \(.+\), trying the next one$/);
});
