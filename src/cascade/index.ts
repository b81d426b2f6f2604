/**
 * The early-exit cascade (docs/paper-notes.md#exit-rule): which exit answers each sample at a confidence target,
 * and the sorted keys every fast sweep is built on. Below both calibration and offloading, so
 * neither has to import the other.
 */
export { runCascade, onDeviceCounts, type CascadeOptions, type CascadeResult, type Fallback } from './runCascade';
export {
  keysFromScores,
  checkKeys,
  enabledDeviceExits,
  checkPTarGrid,
  type CascadeKeys,
  type CascadeLayout,
} from './cascadeKeys';
export { offloadedMs, type ExitLatency } from './exitLatency';
