/** tfjs backend choice (tfjs-node-gpu > tfjs-node > wasm > cpu) and the training kernels eecal adds. */
export { selectBackend, describeChoice, backendLabel, type BackendChoice, type SelectOptions } from './selectBackend';
export { CANDIDATE_ORDER, type CandidateName, type BackendName, type CandidateStatus } from './candidates';
export { registerWasmTrainingKernels, registerCpuTrainingKernels } from './kernels/index';
