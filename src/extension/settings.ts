/**
 * One typed reader for GreenLens settings. Values from VS Code settings are
 * laid over `[tool.greenlens]` of the nearest pyproject.toml, so the editor and
 * `greenlens check` in CI agree unless the user overrides something locally.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { RuleSetting } from '../core/analysis/engine';
import { findProjectConfig, type ProjectConfig } from '../core/config/projectConfig';
import { createExcludeMatcher } from '../core/files/exclude';

export interface Settings {
  enable: boolean;
  rules: Record<string, RuleSetting>;
  exclude: string[];
}

export interface SettingsReader {
  read(uri: vscode.Uri): Settings;
  isExcluded(uri: vscode.Uri): boolean;
  /** Forgets cached pyproject.toml contents. */
  invalidate(): void;
}

export function createSettingsReader(log: vscode.LogOutputChannel): SettingsReader {
  const projectCache = new Map<string, ProjectConfig | undefined>();
  const reportedErrors = new Set<string>();

  const project = (uri: vscode.Uri): ProjectConfig | undefined => {
    if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return undefined;
    const dir = path.dirname(uri.fsPath);
    if (projectCache.has(dir)) return projectCache.get(dir);
    let config: ProjectConfig | undefined;
    try {
      config = findProjectConfig(dir, vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!reportedErrors.has(message)) {
        reportedErrors.add(message);
        log.warn(`Ignoring [tool.greenlens]: ${message}`);
        void vscode.window.showWarningMessage(`GreenLens ignores [tool.greenlens]: ${message}`);
      }
    }
    projectCache.set(dir, config);
    return config;
  };

  const read = (uri: vscode.Uri): Settings => {
    const cfg = vscode.workspace.getConfiguration('greenlens', uri);
    const fromProject = project(uri);
    return {
      enable: cfg.get<boolean>('enable', true) && (fromProject?.enable ?? true),
      rules: { ...(fromProject?.rules ?? {}), ...cfg.get<Record<string, RuleSetting>>('rules', {}) },
      exclude: [...(fromProject?.exclude ?? []), ...cfg.get<string[]>('exclude', [])],
    };
  };

  return {
    read,
    isExcluded(uri) {
      const cfg = vscode.workspace.getConfiguration('greenlens', uri);
      const fromProject = project(uri);
      const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
      // pyproject globs are relative to the pyproject's folder (as in CI); editor globs to the workspace folder.
      return (
        matches(fromProject?.exclude ?? [], fromProject?.root, uri.fsPath) ||
        matches(cfg.get<string[]>('exclude', []), folder, uri.fsPath)
      );
    },
    invalidate() {
      projectCache.clear();
      reportedErrors.clear();
    },
  };
}

/** The same matcher as `greenlens check`, so a glob means the same in the editor and in CI. */
function matches(globs: string[], base: string | undefined, file: string): boolean {
  return globs.length > 0 && base !== undefined && createExcludeMatcher(globs, base)(file);
}
