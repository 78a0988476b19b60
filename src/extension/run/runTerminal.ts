/**
 * A pseudo-terminal that shows a profiled run's output live. Closing it
 * stops the run; the run is still recorded as cancelled.
 */
import * as vscode from 'vscode';

export class RunTerminal implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private open = false;
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
        if (!this.finished) onClose();
      },
      // Ctrl+C in the terminal stops the run as it would in a shell.
      handleInput: (data) => {
        if (data === '\x03' && !this.finished) onClose();
      },
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('pulse') });
    this.terminal.show(true);
  }

  /** Writes process output; terminals need CRLF line ends. */
  write(text: string): void {
    const data = text.replace(/\r?\n/g, '\r\n');
    if (this.open) this.writeEmitter.fire(data);
    else this.buffered.push(data);
  }

  /** Marks the run finished: closing the terminal then only closes it. */
  finish(summary: string): void {
    this.finished = true;
    this.write(`\n\x1b[32m${summary}\x1b[0m\n`);
  }

  dispose(): void {
    this.writeEmitter.dispose();
  }
}
