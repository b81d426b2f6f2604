/**
 * Figure renderers: plain data in, plotly figure JSON out (prepare-then-draw; no metric is computed
 * here). Static export (`./export/chromium`, `./export/html`, `./export/saveFigure`) and the tslab
 * display helper (`./display/notebook`) are separate entry points because they load Chromium,
 * plotly.js or danfojs.
 */
export type { PlotlyFigure, PlotlyTrace, PlotlyLayout } from './figure';
export { seriesStyle, PALETTE, EXIT_COLORS } from './style';
export {
  STYLED_METHOD_IDS,
  METHOD_COLORS,
  BRANCH_STYLES,
  methodStyle,
  figureStyles,
  parseMethodLabel,
  type MethodId,
} from './methodStyles';
export { valueAxis, wrapText, legendBelow, panelGrid, MAX_PANELS_PER_ROW } from './layout';
export { deltaFigure, type DeltaSeries, type DeltaStyle } from './deltaFigure';
export { calibrationOverTrainingFigure, type CalibrationOverTrainingStyle } from './calibrationOverTrainingFigure';
export { parseCalibrationOverTraining, type CalibrationTrainingRow } from '../records/calibrationOverTraining';
export { renderReliability, type ReliabilityBin, type ReliabilityPanel, type ReliabilityStyle } from './reliability';
export { renderCurves, curveTraces, type CurveSeries, type CurveStyle, type BandStyle } from './curves';
export { renderExplorer, type ExplorerPanel, type ExplorerStyle } from './explorer';
export { renderExitFractions, type ExitFractionSeries, type ExitFractionStyle } from './exitFractions';
export { renderTrainingCurves, type TrainingLogRow, type TrainingCurvesStyle } from './trainingCurves';
export {
  offloadingProbabilityFigure,
  onDeviceAccuracyFigure,
  overallAccuracyFigure,
  eceVsPTarFigure,
  outageFigure,
  missedDeadlineFigure,
} from './paperFigures';
