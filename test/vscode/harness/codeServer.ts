/**
 * Starts and stops code-server (VS Code served to a browser) with a profile
 * of its own: settings, extensions, XDG folders and temporary files all live
 * under `profileDir`, so nothing touches the user's real VS Code or home.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { harnessPaths, type HarnessPaths } from './paths';
import { disownProcess, killTree, ownProcess } from './processTree';

export const HOST = '127.0.0.1';

/** User settings that keep a fresh profile quiet: no welcome page, tips, telemetry, update checks or AI panels. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServerOptions {
  /** Folder holding the isolated profile (user data, extensions, XDG folders, TMPDIR, log). */
  profileDir: string;
  /** Delete `profileDir` first (tests); keep it to remember UI state between runs (`npm start`). */
  fresh?: boolean;
  /** A .vsix to install into the profile before the server starts. */
  vsix?: string;
  /** Preferred port; another free one is used when it is taken. 0 or absent: any free port. */
  port?: number;
  /** Makes the workbench honour `extensionDevelopmentPath`/`extensionTestsPath` in the URL payload. */
  smokeTestDriver?: boolean;
  /** Workspace trust stays on unless this is false (the tests turn it off). */
  workspaceTrust?: boolean;
  /** User settings, merged over QUIET_SETTINGS. Written only when the profile has no User/settings.json yet. */
  settings?: Record<string, unknown>;
  /**
   * Machine (remote) settings: `<user-data>/Machine/settings.json`, the file the
   * server's side of the window reads. Settings of scope `machine` or
   * `machine-overridable` (`greenlens.pythonPath`) written into User settings are
   * ignored by a code-server window ("applied when you open a local window"), so
   * they go here. Keys missing from the file are added; a value already there is kept.
   */
  machineSettings?: Record<string, unknown>;
  /** Folder opened at `/` (also reachable through `folderUrl()`). */
  folder?: string;
  /** More code-server command-line arguments. */
  extraArgs?: string[];
  /** Extra environment for the server and the extension host it starts. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
  log?: (line: string) => void;
  paths?: HarnessPaths;
}

export interface CodeServer {
  readonly port: number;
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly logFile: string;
  /** The workbench URL that opens `folder`. */
  folderUrl(folder: string): string;
  /** Resolves with the exit code when the server stops (for whatever reason). */
  readonly exited: Promise<number | null>;
  /** Stops the server and every process it started. */
  stop(): Promise<void>;
}

export class CodeServerError extends Error {}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** `preferred` when it is free on 127.0.0.1, else a port the OS hands out. */
export async function freePort(preferred = 0): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, HOST, () => {
        const { port: got } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(got));
      });
    });
  return (preferred ? await tryListen(preferred) : undefined) ?? (await tryListen(0))!;
}

function serverEnv(profileDir: string, paths: HarnessPaths, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  profileDir = path.resolve(profileDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // code-server 4.139 runs on Node 24; the project itself is built with Node 20.
    PATH: `${paths.node24Bin}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(profileDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(profileDir, 'xdg-cache'),
    // The server drops its IPC sockets and extension host scratch files into TMPDIR.
    TMPDIR: path.join(profileDir, 'tmp'),
    // A product gallery without a service URL: the marketplace is off and nothing is fetched.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
  // npm passes these to scripts; they must not leak into VS Code's own Node processes.
  for (const key of Object.keys(env)) if (key.startsWith('npm_') || key === 'NODE_OPTIONS') delete env[key];
  return env;
}

function prepareProfile(opts: CodeServerOptions): { userData: string; extensions: string; config: string } {
  const dir = path.resolve(opts.profileDir);
  if (opts.fresh) fs.rmSync(dir, { recursive: true, force: true });
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  for (const d of [path.join(userData, 'User'), extensions, ...['xdg-config', 'xdg-data', 'xdg-cache', 'tmp'].map((d) => path.join(dir, d))]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const settingsFile = path.join(userData, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) {
    const settings: Record<string, unknown> = { ...QUIET_SETTINGS, ...opts.settings };
    if (opts.workspaceTrust === false) settings['security.workspace.trust.enabled'] = false;
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + '\n');
  }
  if (opts.machineSettings) addMissingSettings(path.join(userData, 'Machine', 'settings.json'), opts.machineSettings);
  // Our own config file, so code-server never writes a generated password next to the user's real one.
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  return { userData, extensions, config };
}

/**
 * Adds keys to a settings file that lacks them (creating the file); a file that
 * is not plain JSON (comments) is left alone.
 */
function addMissingSettings(file: string, values: Record<string, unknown>): void {
  let current: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      current = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const missing = Object.entries(values).filter(([key]) => !(key in current));
  if (missing.length === 0) return;
  fs.writeFileSync(file, JSON.stringify({ ...current, ...Object.fromEntries(missing) }, null, 2) + '\n');
}

function requireCodeServer(paths: HarnessPaths): void {
  if (!fs.existsSync(paths.codeServerEntry) || !fs.existsSync(path.join(paths.node24Bin, 'node'))) {
    throw new CodeServerError(`code-server is not installed under ${paths.cache}; run scripts/install-code-server.sh first.`);
  }
}

/** Installs a .vsix into the profile with code-server's own CLI. */
export function installVsix(opts: CodeServerOptions & { vsix: string }): void {
  const paths = opts.paths ?? harnessPaths();
  requireCodeServer(paths);
  const { userData, extensions, config } = prepareProfile(opts);
  const res = spawnSync(
    path.join(paths.node24Bin, 'node'),
    [paths.codeServerEntry, '--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', opts.vsix, '--force'],
    { env: serverEnv(opts.profileDir, paths, opts.env), encoding: 'utf8', timeout: 120_000 },
  );
  if (res.status !== 0) {
    throw new CodeServerError(`Installing ${opts.vsix} failed (exit ${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
  }
}

function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Starts code-server in the background and resolves once `/healthz` answers.
 * Rejects, with the log's tail, when the server exits or stays silent.
 */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  opts = { ...opts, profileDir: path.resolve(opts.profileDir) };
  const paths = opts.paths ?? harnessPaths();
  const log = opts.log ?? (() => undefined);
  requireCodeServer(paths);
  if (opts.vsix) {
    const t0 = Date.now();
    installVsix({ ...opts, vsix: opts.vsix });
    // The profile now exists; do not wipe it again below.
    opts = { ...opts, fresh: false };
    log(`installed ${path.basename(opts.vsix!)} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  const { userData, extensions, config } = prepareProfile(opts);
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  let lastError: unknown;
  // A port found free can be taken before code-server binds it: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(attempt === 0 ? (opts.port ?? 0) : 0);
    if (opts.port && port !== opts.port && attempt === 0) log(`port ${opts.port} is taken, using ${port}`);
    try {
      return await launch(port);
    } catch (err) {
      lastError = err;
      if (!(err instanceof CodeServerError && /EADDRINUSE/.test(err.message))) throw err;
    }
  }
  throw lastError;

  async function launch(port: number): Promise<CodeServer> {
    const logFile = path.join(opts.profileDir, 'code-server.log');
    const out = fs.openSync(logFile, 'w');
    const args = [
      paths.codeServerEntry,
      '--bind-addr', `${HOST}:${port}`,
      '--auth', 'none',
      '--config', config,
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--disable-proxy',
      '--ignore-last-opened',
    ];
    if (opts.workspaceTrust === false) args.push('--disable-workspace-trust');
    if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
    args.push(...(opts.extraArgs ?? []));
    if (opts.folder) args.push(opts.folder);
    const t0 = Date.now();
    // detached: the server leads its own process group, so a Ctrl+C in the terminal reaches
    // only us, and we stop the server's whole tree ourselves, in order.
    const child = spawn(path.join(paths.node24Bin, 'node'), args, {
      env: serverEnv(opts.profileDir, paths, opts.env),
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    child.on('error', (err) => fs.appendFileSync(logFile, `\n[harness] ${err.message}\n`));
    const pid = child.pid;
    if (pid === undefined) throw new CodeServerError('code-server could not be spawned');
    ownProcess(pid);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    let hasExited = false;
    void exited.then(() => (hasExited = true));

    const url = `http://${HOST}:${port}`;
    const server: CodeServer = {
      port,
      pid,
      url,
      logFile,
      exited,
      folderUrl: (folder) => `${url}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`,
      async stop() {
        // Even when the server itself is gone, its group may hold orphans: always sweep.
        await killTree(pid);
        disownProcess(pid);
      },
    };

    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (hasExited) {
        await server.stop();
        throw new CodeServerError(`code-server exited before answering ${url}/healthz. Log ${logFile}:\n${logTail(logFile)}`);
      }
      try {
        if ((await get(`${url}/healthz`, 1000)) === 200) {
          log(`code-server ${url} up in ${((Date.now() - t0) / 1000).toFixed(1)}s (pid ${pid})`);
          return server;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.stop();
    throw new CodeServerError(`Timed out after ${timeoutMs / 1000}s waiting for code-server to answer ${url}/healthz. Log ${logFile}:\n${logTail(logFile)}`);
  }
}
