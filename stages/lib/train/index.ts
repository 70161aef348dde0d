export { trainModel } from './train-model.js';
export { loadCheckpoint, type LoadedModel, type CheckpointConfig, type CheckpointMeta } from './checkpoint.js';
export { predictTags, type Prediction } from './predict.js';
export type * from './types.js';
