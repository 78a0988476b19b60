/**
 * The GreenLens sidebar webview: a section per workspace folder with its
 * totals, runs chart, scripts, findings and suggestions, a live block while a
 * profiled run is going, and first steps when there is nothing to show yet.
 *
 * Expects the host's HTML to hold `<div id="app"></div>` (the body is used
 * otherwise) and to link dist/webview/sidebar.css.
 */
import type { FolderSummary, HostToSidebar, LiveRun, SidebarState, SidebarToHost } from '../../shared/protocol';
import { applyThemeDefaults, readTheme, type ThemeColors, watchTheme } from '../common/charts';
import { appRoot, button, h } from '../common/dom';
import { connect, type HostConnection } from '../common/vscodeApi';
import { FolderView } from './folderView';
import { LiveView } from './liveView';

/** UI state kept by VS Code while the view is hidden: which sections are open. */
interface SidebarUiState {
  open: Record<string, boolean>;
}

class SidebarApp {
  private state: SidebarState | undefined;
  private views: FolderView[] = [];
  private readonly live = new LiveView();
  private readonly content: HTMLElement;
  private theme: ThemeColors;
  private readonly ui: SidebarUiState;

  constructor(
    root: HTMLElement,
    private readonly host: HostConnection<SidebarToHost, SidebarUiState>,
  ) {
    const saved = host.loadState();
    this.ui = { open: { ...(saved?.open ?? {}) } };
    this.theme = readTheme();
    applyThemeDefaults(this.theme);
    this.content = h('div', { class: 'folders' }, h('p', { class: 'muted', text: 'Loading GreenLens…' }));
    root.replaceChildren(this.live.status, this.live.element, this.content);
    watchTheme((theme) => {
      this.theme = theme;
      for (const view of this.views) view.setTheme(theme);
    });
  }

  handle(message: HostToSidebar): void {
    switch (message.type) {
      case 'state':
        this.render(message.state);
        break;
      case 'live':
        if (this.state) this.state.live = message.live;
        this.live.update(message.live, this.state?.budgetKWh, this.liveFolderName(message.live));
        break;
      case 'runAppended':
        this.appendRun(message);
        break;
    }
  }

  private render(state: SidebarState): void {
    performance.mark('greenlens-sidebar-state');
    this.state = state;
    for (const view of this.views) view.destroy();
    this.views = [];
    this.live.update(state.live, state.budgetKWh, this.liveFolderName(state.live));
    if (isEmpty(state)) {
      this.content.replaceChildren(this.emptyState(state));
    } else {
      this.views = state.folders.map((folder) => this.folderView(folder));
      this.content.replaceChildren(...this.views.map((v) => v.element));
      // Charts measure their container, so they are created once in the document.
      for (const view of this.views) view.mount();
    }
    performance.measure('greenlens-sidebar-render', 'greenlens-sidebar-state');
  }

  /** The live run's folder name, when there is more than one folder to tell apart. */
  private liveFolderName(live: LiveRun | undefined): string | undefined {
    const folders = this.state?.folders ?? [];
    if (!live || folders.length < 2) return undefined;
    return folders.find((f) => f.path === live.folder)?.name;
  }

  private appendRun(message: Extract<HostToSidebar, { type: 'runAppended' }>): void {
    const state = this.state;
    if (!state) return;
    const folder = state.folders.find((f) => f.path === message.folder) ?? state.folders.find((f) => f.name === message.folder);
    if (!folder) return;
    const view = this.views.find((v) => v.path === folder.path);
    if (view?.hasRuns) {
      view.appendRun(message.run, message.totals, message.script);
      return;
    }
    // The folder's first run: there is no chart to add to yet, so its section
    // (or the whole view, when it showed the first steps) is built afresh.
    folder.runs.push(message.run);
    folder.totals = message.totals;
    folder.scripts = [...folder.scripts.filter((s) => s.script !== message.script.script), message.script];
    if (!view) {
      this.render(state);
      return;
    }
    const fresh = this.folderView(folder);
    view.destroy();
    view.element.replaceWith(fresh.element);
    this.views[this.views.indexOf(view)] = fresh;
    fresh.mount();
  }

  private folderView(folder: FolderSummary): FolderView {
    return new FolderView(folder, {
      theme: this.theme,
      budgetKWh: this.state?.budgetKWh,
      canRun: this.state?.canRun ?? false,
      post: (m) => this.host.post(m),
      isOpen: (key, fallback) => this.ui.open[key] ?? fallback,
      setOpen: (key, open) => {
        this.ui.open[key] = open;
        this.host.saveState(this.ui);
      },
    });
  }

  private emptyState(state: SidebarState): HTMLElement {
    const post = (command: Extract<SidebarToHost, { type: 'runCommand' }>['command']) => this.host.post({ type: 'runCommand', command });
    const noFolder = state.folders.length === 0;
    return h(
      'section',
      { class: 'empty', 'aria-labelledby': 'empty-heading' },
      h('h2', { id: 'empty-heading', text: noFolder ? 'No folder open' : 'No runs or findings yet' }),
      h('p', {
        text: noFolder
          ? 'Open a folder with a training script, or start from the example, to see energy and emissions here.'
          : 'GreenLens flags energy-wasting patterns in training scripts and measures what each profiled run uses. Start with one of these:',
      }),
      h(
        'div',
        { class: 'actions' },
        button('Open the example training script', () => post('openExample'), { class: 'primary' }),
        !noFolder &&
          button('Run the active script with an energy profile', () => post('runActive'), {
            disabled: !state.canRun,
            title: 'Runs the script in the active editor, or the example when none is open, and meters its energy',
          }),
        !noFolder && !state.canRun && h('p', { class: 'muted', text: 'Running scripts needs a trusted workspace; analysis works without it.' }),
        !noFolder && !state.canRun && button('Manage workspace trust', () => post('manageTrust')),
        !noFolder && button('Analyze the workspace', () => post('analyzeWorkspace')),
      ),
    );
  }
}

/** Nothing to show in any folder: no runs, findings, suggestions or history warnings (a notice must never be hidden). */
function isEmpty(state: SidebarState): boolean {
  return state.folders.every(
    (f) => f.runs.length === 0 && f.suggestions.length === 0 && f.warnings.length === 0 && Object.values(f.findingsByFamily ?? {}).every((n) => !n),
  );
}

const host = connect<SidebarToHost, SidebarUiState>();
const app = new SidebarApp(appRoot(), host);
host.onMessage<HostToSidebar>((message) => app.handle(message));
host.post({ type: 'ready' });
