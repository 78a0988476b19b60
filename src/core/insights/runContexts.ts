/**
 * What the sidebar knows about each script from its run history, for ranking
 * its suggestions by the energy they save: the script's last *completed*
 * run. A failed or cancelled run stopped early, so its energy is not what a
 * run of the script costs.
 */
import type { RunPoint } from '../../shared/protocol';
import type { ScriptContext } from './suggestions';

/**
 * The last completed run of each script, by script path. Rows whose status
 * the CSV does not carry (`unknown`) are looked up with `statusOf` (reading
 * their records), at most `maxLookups` times in all; without it they count
 * as not completed.
 */
export function scriptContextsOf(
  points: readonly RunPoint[],
  statusOf?: (runId: string) => RunPoint['status'] | undefined,
  maxLookups = 20,
): Map<string, ScriptContext> {
  const out = new Map<string, ScriptContext>();
  const settled = new Set<string>();
  let lookups = 0;
  // Newest first: points are in the order runs ended.
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    if (settled.has(p.script)) continue;
    let status = p.status;
    if (status === 'unknown' && statusOf && lookups < maxLookups) {
      lookups += 1;
      status = statusOf(p.runId) ?? 'unknown';
    }
    if (status !== 'completed' || !(p.energyKWh > 0)) continue;
    settled.add(p.script);
    out.set(p.script, { run: { runId: p.runId, kWh: p.energyKWh } });
  }
  return out;
}
