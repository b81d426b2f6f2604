// Types of ./eecal.js: the compiled library's notebook entry (see eecal.js).
export * from '../dist/src/notebook';
export { selectBackend } from '../dist/src/backend/selectBackend';
export { loadDataset } from '../dist/src/data/loadDataset';
export { summarizeDataset, formatSummary } from '../dist/src/data/summary';
export { buildArchitecture } from '../dist/src/models/registry';
export { computeExitCosts } from '../dist/src/models/exitCosts';
export { renderExitCosts } from '../dist/src/plots/exitCostsFigure';
export { readModelManifest } from '../dist/src/records/modelFolder';
export { readSidecar } from '../dist/src/records/csv';
export { openTrainingData } from '../dist/src/train/datasetAdapter';
export { initialState, trainEarlyExit, type TrainConfig } from '../dist/src/train/trainer';
export { lossWeights } from '../dist/src/train/lossWeights';
export type { EpochLog } from '../dist/src/train/trainingState';
