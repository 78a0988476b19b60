/** Waits that say what they waited for. */

export class StepTimeout extends Error {}

/** Polls `probe` until it returns something other than undefined/false, or fails naming `what`. */
export async function waitUntil<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new StepTimeout(`Timed out after ${timeoutMs / 1000}s waiting for: ${what}` + (last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''));
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs `action`, rewording a timeout (Playwright's or ours) so it names the step. */
export async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof StepTimeout || /Timeout|timed out/i.test(message)) {
      throw new StepTimeout(`Step "${what}" timed out: ${message.split('\n')[0]}`);
    }
    throw err;
  }
}
