/**
 * The git commit a run was made from, read from the repository's files
 * (HEAD, loose refs, packed-refs) so that no process is spawned in the common
 * case. Worktrees and submodules (`.git` as a file) are followed. Only when
 * the files do not say (the reftable ref format) is `git rev-parse HEAD`
 * run, with an argument array and a timeout.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { GitInfo } from './runRecord';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The commit checked out in the repository holding `dir`, or undefined outside a repository. */
export function gitCommitOf(dir: string, options: { spawnGit?: boolean } = {}): GitInfo | undefined {
  const found = findGitDir(path.resolve(dir));
  if (!found) return undefined;
  const { gitDir, workTree } = found;
  const commonDir = readCommonDir(gitDir);
  const head = readText(path.join(gitDir, 'HEAD'));
  if (head === undefined) return undefined;
  if (SHA.test(head)) return { commit: head };
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  const commit = ref ? resolveRef(ref, gitDir, commonDir) : undefined;
  const branch = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  if (commit) return { commit, branch };
  if (options.spawnGit === false) return undefined;
  const spawned = revParseHead(workTree);
  return spawned ? { commit: spawned, branch: branch === '.invalid' ? undefined : branch } : undefined;
}

function findGitDir(start: string): { gitDir: string; workTree: string } | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(dotGit);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) return { gitDir: dotGit, workTree: dir };
    if (stat?.isFile()) {
      // Worktrees and submodules: ".git" is a file saying "gitdir: <path>".
      const target = /^gitdir:\s*(.+)$/m.exec(readText(dotGit) ?? '')?.[1];
      if (target) return { gitDir: path.resolve(dir, target.trim()), workTree: dir };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where shared refs live: the main repository's folder for a linked worktree. */
function readCommonDir(gitDir: string): string {
  const common = readText(path.join(gitDir, 'commondir'));
  return common ? path.resolve(gitDir, common) : gitDir;
}

function resolveRef(ref: string, gitDir: string, commonDir: string, depth = 0): string | undefined {
  if (depth > 5 || ref.includes('..')) return undefined;
  for (const base of [gitDir, commonDir]) {
    const text = readText(path.join(base, ...ref.split('/')));
    if (text === undefined) continue;
    if (SHA.test(text)) return text;
    const next = /^ref:\s*(\S+)$/.exec(text)?.[1];
    if (next) return resolveRef(next, gitDir, commonDir, depth + 1);
  }
  const packed = readText(path.join(commonDir, 'packed-refs'));
  for (const line of packed?.split('\n') ?? []) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && SHA.test(sha)) return sha;
  }
  return undefined;
}

function revParseHead(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true, encoding: 'utf8' }).trim();
    return SHA.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
