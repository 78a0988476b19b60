/** Every command id the extension registers, in one place (they must match package.json). */
export const COMMANDS = {
  analyzeWorkspace: 'greenlens.analyzeWorkspace',
  showRuleDocs: 'greenlens.showRuleDocs',
  showLog: 'greenlens.showLog',
  runWithProfile: 'greenlens.runWithProfile',
  stopRun: 'greenlens.stopRun',
  openRun: 'greenlens.openRun',
  showSidebar: 'greenlens.showSidebar',
  setEstimateHardware: 'greenlens.setEstimateHardware',
} as const;
