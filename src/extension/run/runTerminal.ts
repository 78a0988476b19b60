/**
 * A pseudo-terminal that shows a profiled run's output live. Closing it
 * stops the run; the run is still recorded as cancelled.
 *
 * VS Code opens a pseudo-terminal some time after `createTerminal` returns,
 * and drops what is written before `open()`. A script that fails within a
 * second can be over by then, so everything written is kept until the
 * terminal opens, and the writer lives until the terminal closes: ending the
 * run (`finish`, `dispose`) never loses the command line, the output or the
 * traceback.
 */
import * as vscode from 'vscode';

export class RunTerminal implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private open = false;
  private closed = false;
  private buffered: string[] = [];
  private finished = false;

  constructor(name: string, onClose: () => void) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writeEmitter.event,
      open: () => {
        this.open = true;
        for (const b of this.buffered) this.writeEmitter.fire(b);
        this.buffered = [];
      },
      close: () => {
        this.closed = true;
        if (!this.finished) onClose();
        this.writeEmitter.dispose();
      },
      // Ctrl+C in the terminal stops the run as it would in a shell.
      handleInput: (data) => {
        if (data === '\x03' && !this.finished) onClose();
      },
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('pulse') });
    this.terminal.show(true);
  }

  /** Writes process output; terminals need CRLF line ends. Kept until the terminal opens. */
  write(text: string): void {
    if (this.closed) return;
    const data = text.replace(/\r?\n/g, '\r\n');
    if (this.open) this.writeEmitter.fire(data);
    else this.buffered.push(data);
  }

  /** Marks the run finished (green, or red when it failed): closing the terminal then only closes it. */
  finish(summary: string, ok = true): void {
    this.write(`\n\x1b[${ok ? 32 : 31}m${summary}\x1b[0m\n`);
    this.finished = true;
  }

  /**
   * The run is over. The terminal stays, showing what the run printed; its
   * writer is released when the user closes it (the `close` above).
   */
  dispose(): void {
    this.finished = true;
  }
}
