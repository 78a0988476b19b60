/**
 * The webview side of the host connection, typed with the messages of
 * src/shared/protocol.ts. `acquireVsCodeApi` may be called only once per
 * page, so each panel calls `connect` once at start.
 */

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}

declare function acquireVsCodeApi(): RawVsCodeApi;

export interface HostConnection<Out, State> {
  post(message: Out): void;
  /** UI state saved by `saveState`, restored by VS Code when the view is hidden and shown again. */
  loadState(): State | undefined;
  saveState(state: State): void;
  /** Calls `handler` with each message the host posts. */
  onMessage<In>(handler: (message: In) => void): void;
}

export function connect<Out, State>(): HostConnection<Out, State> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => (api.getState() ?? undefined) as State | undefined,
    saveState: (state) => {
      api.setState(state);
    },
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent) => {
        // VS Code delivers host messages as plain objects with a string `type`;
        // anything else (extensions of the browser, devtools) is not ours.
        const data = event.data as { type?: unknown } | null;
        if (data && typeof data.type === 'string') handler(data as never);
      });
    },
  };
}
