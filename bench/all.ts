/**
 * `npm run bench`: runs each benchmark in its own Node process (so one cannot
 * warm or load the other) and prints their figures; with `--json`, one object
 * with every key.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const BENCHES = ['analysis.bench.js', 'meter.bench.js', 'sidebar.bench.js', 'webviewRender.bench.js'];
const json = process.argv.includes('--json');
const merged: Record<string, number> = {};
let failed = false;
for (const file of BENCHES) {
  const args = [path.join(__dirname, file), ...(json ? ['--json'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: json ? ['ignore', 'pipe', 'inherit'] : 'inherit' });
  if (r.status !== 0) {
    failed = true;
    continue;
  }
  if (json) Object.assign(merged, JSON.parse(r.stdout.trim().split('\n').pop()!));
  else console.log('');
}
if (json) console.log(JSON.stringify(merged));
process.exit(failed ? 1 : 0);
