/**
 * The offloading simulator (docs/paper-notes.md: #exit-rule, #outage,
 * #missed-deadline, #latency-model): pure TypeScript,
 * no tfjs, no DataFrames; rows are plain objects a notebook can wrap as it likes.
 */
export {
  sweepThresholds,
  sweepKeys,
  countThresholds,
  type SweepRow,
  type SweepOptions,
  type ThresholdCounts,
} from './thresholdSweep';
export { binCascade, countAtMost, sortGrid, type BinnedCascade, type SortedGrid } from './thresholdBins';
export {
  bootstrapSweepBands,
  bootstrapKeyBands,
  type Band,
  type SweepBand,
  type SweepBootstrapOptions,
} from './bootstrapBands';
export {
  exitEntropy,
  entropyScores,
  entropyKeys,
  entropyKeyThreshold,
  runEntropyCascade,
  sweepEntropyThresholds,
  type EntropyCascadeOptions,
  type EntropySweepRow,
} from './entropyPolicy';
export { cascadeDeviceCosts, deviceMacsFromSidecar, sidecarExitCosts, type DeviceExitCosts } from './deviceCost';
export {
  UPLINK_PRESETS,
  BYTES_PER_ELEMENT,
  parseUplink,
  uploadMs,
  stageTimesFromSidecar,
  cascadeLatency,
  exitLatencyOf,
  type StageTimes,
  type DeviceSpeed,
  type NetworkConfig,
  type CascadeLatency,
  type TensorDtype,
} from './latencyModel';
export { constantSampleTimes, parseSampleTimesCsv, readSampleTimesCsv, type SampleTimes } from './sampleTimes';
export { meanCi, roundPermutations, numBatches, Z_975, type MeanCi, type BatchRoundsOptions } from './batchRounds';
export { outageProbability, outageFromPermutations, type OutageRow, type OutageOptions } from './outage';
export {
  missedDeadlineProbability,
  missedDeadlineFromPermutations,
  type DeadlineRow,
  type DeadlineOptions,
} from './missedDeadline';
export { choosePartition, type PartitionRow, type PartitionOptions } from './partition';
export { compileScoreExpression, expressionScores, SCORE_VARIABLES, type ScoreFunction } from './scoreExpression';
export {
  riskControlThreshold,
  deviceSegments,
  countSegments,
  fixedSequenceTest,
  fixedSequenceFromCounts,
  orderingSplit,
  bestEmpiricalIndex,
  defaultRiskGrid,
  type BranchScores,
  type DeviceSegments,
  type GridCounts,
  type RiskControlOptions,
  type RiskControlResult,
  type SequenceStep,
  type AtThreshold,
} from './riskControl';
export { binomialCdf, clopperPearson, logGamma } from './riskControlBinomial';
