/** The exit-records contract: labels + raw logits of every exit, with an optional cost sidecar. */
export * from './types';
export {
  readRecords,
  parseRecordsCsv,
  parseRecordsSource,
  formatRecordsCsv,
  formatRecordsPieces,
  writeRecords,
  readSidecar,
  sidecarPath,
  recordsHeader,
  parseRecordsHeader,
} from './csv';
export { topLabelScores, uncalibratedScores, type ExitScores } from './scores';
export { MAX_ABS_LOGIT } from './numberSyntax';
export {
  readModelFolder,
  readModelManifest,
  readTrainingLog,
  modelFolderPaths,
  type ModelFolder,
  type ModelManifest,
  type TrainingLog,
  type TrainingLogEpoch,
} from './modelFolder';
export {
  CALIBRATION_OVER_TRAINING_CSV,
  CALIBRATION_OVER_TRAINING_JSON,
  formatCalibrationOverTraining,
  writeCalibrationOverTraining,
  readCalibrationOverTrainingEpochs,
  parseCalibrationOverTraining,
  readCalibrationOverTraining,
  type CascadePoint,
  type ExitTracking,
  type EpochTracking,
  type CalibrationTrainingRow,
} from './calibrationOverTraining';
export {
  TRAINING_LOG_JSON,
  TRAINING_LOG_CSV,
  formatTrainingLogCsv,
  writeTrainingLog,
  type TrainingLogEntry,
} from './trainingLog';
