/**
 * Which program runs a script: for Python, the interpreter selected in the
 * Python extension, else `greenlens.pythonPath`, else `python3`; for
 * JavaScript, node. The Python extension's API is loaded only when a run starts.
 */
import * as path from 'path';
import * as vscode from 'vscode';

export interface Launch {
  command: string;
  args: string[];
  /** Where the command came from, for the log and the run report. */
  via: string;
}

const JS = new Set(['.js', '.mjs', '.cjs']);

export function isRunnable(uri: vscode.Uri): boolean {
  const ext = path.extname(uri.fsPath).toLowerCase();
  return ext === '.py' || JS.has(ext);
}

async function pythonFromExtension(resource: vscode.Uri, log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!vscode.extensions.getExtension('ms-python.python')) return undefined;
  try {
    const { PythonExtension } = await import('@vscode/python-extension');
    const api = await PythonExtension.api();
    const active = api.environments.getActiveEnvironmentPath(resource);
    const resolved = await api.environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath;
  } catch (err) {
    log.warn(`Could not ask the Python extension for the interpreter: ${String(err)}`);
    return undefined;
  }
}

export async function launchFor(file: vscode.Uri, scriptArgs: string[], log: vscode.LogOutputChannel): Promise<Launch> {
  const ext = path.extname(file.fsPath).toLowerCase();
  if (JS.has(ext)) return { command: 'node', args: [file.fsPath, ...scriptArgs], via: 'node on PATH' };
  const fromExtension = await pythonFromExtension(file, log);
  if (fromExtension) return { command: fromExtension, args: [file.fsPath, ...scriptArgs], via: 'the Python extension' };
  const configured = vscode.workspace.getConfiguration('greenlens', file).get<string>('pythonPath', '').trim();
  if (configured) return { command: configured, args: [file.fsPath, ...scriptArgs], via: 'greenlens.pythonPath' };
  return { command: 'python3', args: [file.fsPath, ...scriptArgs], via: 'python3 on PATH' };
}
