import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';

/** The "GreenLens" output channel: details go here, users are pointed to it. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('GreenLens', { log: true });
}

/** Tells the user something failed, with a button to the log that has the details. */
export async function showErrorWithLog(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Open Log');
  if (choice === 'Open Log') await vscode.commands.executeCommand(COMMANDS.showLog);
}
