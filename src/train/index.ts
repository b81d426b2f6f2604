/** BranchyNet joint training, checkpoints, evaluation and exit timing. */
export {
  trainEarlyExit,
  initialState,
  learningRateAt,
  type TrainConfig,
  type TrainHooks,
  type TrainOutcome,
} from './trainer';
export { setDropoutSeeds, dropoutSeed } from './dropoutSeeds';
export type { EpochLog, TrainingState } from './trainingState';
export type { TrainingData, SplitName } from './trainingData';
export { lossWeights, type WeightScheme } from './lossWeights';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint } from './checkpoint';
export { saveModelFiles, loadWeightsInto } from './modelIO';
export { evaluateSplit, type SplitEvaluation } from './evaluate';
export { measureExitTimes } from './exitTiming';
export { openTrainingData, type OpenedData } from './datasetAdapter';
export { writeModelManifest } from './modelManifest';
export { formatTrainingLogCsv as trainLogCsv, writeTrainingLog as writeTrainLog } from '../records/trainingLog';
export { ProgressBar, formatDuration } from './progress';
