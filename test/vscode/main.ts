/**
 * Entry point bundled by scripts/test-vscode.js (and scripts/start.js, for the
 * code-server helpers): everything the Node side of the real-VS-Code tests needs.
 */
export * from './harness';
export { runHostTests, type StageResult } from './runHost';
export { runUiTests } from './runUi';
