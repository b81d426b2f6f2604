/** Early-exit networks: the generic builder, B-AlexNet, B-LeNet, exit placement and per-exit costs. */
export { buildEarlyExitNetwork, seededInit, type Block, type Head, type EarlyExitSpec, type EarlyExitNetwork } from './earlyExitNetwork';
export { buildBAlexNet, bAlexNetSpec } from './bAlexNet';
export { buildBLeNet, bLeNetSpec } from './bLeNet';
export { buildArchitecture, ARCHITECTURES, type ArchitectureName } from './registry';
export { computeExitCosts, layerMacs, ancestorLayers } from './exitCosts';
export { placeExits, placementFractions, type PlacementRule } from './exitPlacement';
export { buildPlacedNetwork, cumulativeBlockMacs, type PlacedSpec } from './placedNetwork';
export { LocalResponseNorm, lrn, type LrnArgs } from './lrnLayer';
export { splitNetwork, runPart, type SplitNetwork } from './splitModel';
