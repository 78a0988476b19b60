/**
 * Realistic, reproducible webview states for the render benchmark and for
 * looking at the panels in a browser: a history of any size, a second
 * workspace folder, a live run, the empty workspace and a run report.
 */
import { scriptSummariesOf } from '../src/core/insights/aggregate';
import { comparisonInSeries } from '../src/core/insights/comparison';
import type { FolderSummary, LiveRun, RunPoint, RunReport, ScriptSummary, SidebarState, Suggestion, Totals } from '../src/shared/protocol';
import type { PowerPoint } from '../src/webview/report/timelineSeries';

/** A small deterministic generator (mulberry32), so every run of the benchmark draws the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86400e3;
const G_PER_KWH = 56; // France's grid, roughly; any fixed figure will do here.

const SCRIPTS = [
  { script: 'train.py', kWh: 0.06, s: 900 },
  { script: 'finetune_bert.py', kWh: 0.45, s: 5400 },
  { script: 'experiments/resnet_sweep.py', kWh: 0.2, s: 2400 },
  { script: 'eval.py', kWh: 0.004, s: 60 },
];

/** `n` runs ending over the last `days` days, oldest first, with a slow downward trend. */
export function sampleRuns(n: number, days = 365, now = Date.now(), seed = 1): RunPoint[] {
  const rnd = random(seed);
  const runs: RunPoint[] = [];
  const start = now - days * DAY;
  for (let i = 0; i < n; i++) {
    const s = SCRIPTS[Math.floor(rnd() * SCRIPTS.length)];
    const progress = n > 1 ? i / (n - 1) : 1;
    // Log-normal-ish spread around the script's typical energy, drifting down as the code improves.
    const energyKWh = s.kWh * Math.exp((rnd() - 0.5) * 0.8) * (1.2 - 0.4 * progress);
    const failed = rnd() < 0.03;
    runs.push({
      runId: `run-${String(i).padStart(6, '0')}`,
      endedAt: Math.round(start + progress * days * DAY * 0.999),
      script: s.script,
      energyKWh: failed ? energyKWh * 0.2 : energyKWh,
      kgCO2e: ((failed ? energyKWh * 0.2 : energyKWh) * G_PER_KWH) / 1000,
      durationS: s.s * (0.8 + rnd() * 0.4),
      status: failed ? 'failed' : 'completed',
    });
  }
  return runs;
}

/** Totals as the host computes them: all runs, and the last two calendar weeks. */
export function sampleTotals(runs: RunPoint[], now = Date.now()): Totals {
  const t: Totals = { energyKWh: 0, kgCO2e: 0, runs: runs.length, thisWeekKg: 0, lastWeekKg: 0, thisWeekKWh: 0, lastWeekKWh: 0 };
  for (const r of runs) {
    t.energyKWh += r.energyKWh;
    t.kgCO2e += r.kgCO2e;
    const age = now - r.endedAt;
    if (age < 7 * DAY) {
      t.thisWeekKg += r.kgCO2e;
      t.thisWeekKWh += r.energyKWh;
    } else if (age < 14 * DAY) {
      t.lastWeekKg += r.kgCO2e;
      t.lastWeekKWh += r.energyKWh;
    }
  }
  return t;
}

export function sampleScripts(runs: RunPoint[]): ScriptSummary[] {
  const by = new Map<string, RunPoint[]>();
  for (const r of runs) {
    const list = by.get(r.script);
    if (list) list.push(r);
    else by.set(r.script, [r]);
  }
  return [...by.entries()].map(([script, rs]) => scriptSummary(script, rs));
}

export function scriptSummary(script: string, rs: RunPoint[]): ScriptSummary {
  // The core's summary of these runs (all of `script`), comparison included.
  return scriptSummariesOf(rs.filter((r) => r.script === script))[0];
}

export const SAMPLE_SUGGESTIONS: Suggestion[] = [
  {
    kind: 'lighter-model',
    title: 'Use ResNet-18 instead of ResNet-50',
    saving: '−54% FLOPs (4.1 → 1.8 GFLOPs per image)',
    savingRatio: 0.54,
    source: 'torchvision model documentation (GFLOPS column)',
    code: 'GL101',
    file: 'train.py',
    line: 41,
    snippet: 'from torchvision.models import resnet18, ResNet18_Weights\nmodel = resnet18(weights=ResNet18_Weights.DEFAULT)',
    framework: 'pytorch',
    evidence: [{ kind: 'finding', line: 41, what: 'GL101 finding' }],
  },
  {
    kind: 'mixed-precision',
    title: 'Train with automatic mixed precision',
    saving: 'up to 2–3× faster steps on tensor-core GPUs',
    savingRatio: 0.5,
    source: 'PyTorch Performance Tuning Guide',
    code: 'GL304',
    file: 'train.py',
    line: 77,
    snippet: 'scaler = torch.amp.GradScaler()\nwith torch.autocast("cuda", dtype=torch.float16):\n    loss = criterion(model(x), y)\nscaler.scale(loss).backward()',
    framework: 'pytorch',
    evidence: [{ kind: 'finding', line: 77, what: 'GL304 finding' }],
  },
  {
    kind: 'quantization',
    title: 'Quantize the trained model to int8 for inference',
    saving: '−75% model size (98 → 25 MB)',
    savingRatio: 0.3,
    source: 'PyTorch quantization documentation',
    code: 'GL601',
    file: 'eval.py',
    line: 12,
    snippet: 'qmodel = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)',
    framework: 'pytorch',
    evidence: [{ kind: 'model-save', line: 12, what: 'saves the trained model' }],
  },
  {
    kind: 'training-hygiene',
    title: 'Load batches in worker processes',
    saving: 'GPU idle time while the next batch loads',
    savingRatio: 0.2,
    source: 'PyTorch Performance Tuning Guide',
    code: 'GL302',
    file: 'train.py',
    line: 30,
    snippet: 'loader = DataLoader(ds, batch_size=64, num_workers=4, pin_memory=True)',
    framework: 'pytorch',
    evidence: [{ kind: 'finding', line: 30, what: 'GL302 finding' }],
  },
  {
    kind: 'loop',
    title: 'Avoid loss.item() on every step',
    saving: 'one host–device sync per step',
    savingRatio: 0.1,
    source: 'PyTorch Performance Tuning Guide',
    code: 'GL201',
    file: 'train.py',
    line: 88,
    framework: 'pytorch',
    evidence: [{ kind: 'finding', line: 88, what: 'GL201 finding' }],
  },
  { kind: 'pruning', title: 'Prune 30% of the convolution weights', saving: '−30% parameters', savingRatio: 0.05, source: 'torch.nn.utils.prune documentation', file: 'train.py', line: 120, framework: 'pytorch',
    evidence: [{ kind: 'model-save', line: 120, what: 'the model saved here' }] },
];

export function sampleFolder(name: string, runCount: number, now = Date.now(), seed = 1): FolderSummary {
  const runs = sampleRuns(runCount, runCount > 50 ? 365 : 20, now, seed);
  return {
    name,
    path: `/home/ada/${name}`,
    totals: sampleTotals(runs, now),
    runs,
    scripts: sampleScripts(runs),
    findingsByFamily: { GL1: 1, GL2: 4, GL3: 3, GL4: 1, GL5: 0, GL6: 2 },
    suggestions: SAMPLE_SUGGESTIONS,
    warnings:
      runCount > 50
        ? ['.greenlens/emissions.csv line 1,204: 9 columns where 14 were expected; the line was skipped.', '.greenlens/runs/run-000412.json: not valid JSON (unexpected end of input); the run was skipped.']
        : [],
  };
}

export const SAMPLE_LIVE: LiveRun = { folder: '/work/bert', script: 'finetune_bert.py', watts: 212.4, energyKWh: 0.183, predictedKWh: 0.61, epoch: 3, totalEpochs: 10, provenance: 'measured' };

/** A two-folder workspace: a long history (`runCount` runs) and a young project. */
export function sampleSidebarState(runCount: number, options: { live?: boolean; budgetKWh?: number } = {}): SidebarState {
  const now = Date.now();
  return {
    folders: [sampleFolder('vision-lab', runCount, now, 1), sampleFolder('nlp-notes', 6, now, 2)],
    budgetKWh: options.budgetKWh,
    live: options.live ? SAMPLE_LIVE : undefined,
    canRun: true,
  };
}

export function emptySidebarState(canRun = true): SidebarState {
  return {
    folders: [{ name: 'new-project', path: '/home/ada/new-project', totals: sampleTotals([]), runs: [], scripts: [], findingsByFamily: { GL1: 0, GL2: 0, GL3: 0, GL4: 0, GL5: 0, GL6: 0 }, suggestions: [], warnings: [] }],
    canRun,
  };
}

/** A 30-minute GPU fine-tuning run sampled every second (`seconds` samples). */
export function sampleReport(seconds = 1800, options: { defaultRegion?: boolean } = {}): RunReport {
  const rnd = random(7);
  // Whole-machine watts per component and the run's own power (half the CPU and RAM, all of the GPU), as records since issue 10 hold.
  const timeline: PowerPoint[] = [];
  for (let t = 0; t <= seconds; t++) {
    const warm = Math.min(1, t / 40);
    const evalPhase = t % 300 > 270; // evaluation every 5 minutes: the GPU idles, the CPU works
    const cpuW = 18 + (evalPhase ? 30 : 8) * warm + rnd() * 4;
    const gpuW = 25 + (evalPhase ? 40 : 190) * warm + rnd() * 15;
    const ramW = 4.5 + rnd() * 0.3;
    timeline.push({ tS: t, cpuW, gpuW, ramW, processW: cpuW / 2 + gpuW + ramW / 2 });
  }
  const hours = seconds / 3600;
  const cpu = 26 * hours * 1e-3;
  const gpu = 190 * hours * 1e-3;
  const ram = 4.6 * hours * 1e-3;
  const energy = cpu + gpu + ram;
  const g = options.defaultRegion ? 475 : 56;
  const kg = (energy * g) / 1000;
  const end = Date.now();
  return {
    runId: '2025-11-27T10-14-03-7f3a',
    folder: '/home/ada/vision-lab',
    script: 'finetune_bert.py',
    command: ['/usr/bin/python3', 'finetune_bert.py', '--epochs', '3', '--run-name', 'bert base'],
    cwd: '/home/ada/vision-lab',
    status: 'completed',
    exitCode: 0,
    startedAt: new Date(end - seconds * 1000).toISOString(),
    endedAt: new Date(end).toISOString(),
    durationS: seconds,
    git: { commit: '9f2c4e1b7a6d5c3e2f1a0b9c8d7e6f5a4b3c2d1e', branch: 'main' },
    energyKWh: energy,
    machineEnergyKWh: energy * 1.31,
    components: [
      { component: 'cpu', energyKWh: cpu, machineEnergyKWh: cpu * 2.1, powerW: 26, provenance: 'measured', source: 'RAPL package-0 (intel-rapl:0), process share of CPU time from /proc' },
      { component: 'gpu', energyKWh: gpu, machineEnergyKWh: gpu, powerW: 190, provenance: 'measured', source: 'nvidia-smi power.draw, NVIDIA A10G' },
      { component: 'ram', energyKWh: ram, powerW: 4.6, provenance: 'estimated', source: '0.375 W per GB in use (CodeCarbon RAM model)' },
    ],
    timeline,
    carbon: options.defaultRegion
      ? { kgCO2e: kg, gPerKWh: 475, pue: 1, pueIsDefault: true, region: 'World average', regionCode: 'WORLD', regionIsDefault: true, regionReason: 'The time zone (UTC) does not identify a country.', source: 'IEA 2019 world average' }
      : { kgCO2e: kg, gPerKWh: 56, pue: 1.1, pueIsDefault: false, region: 'France', regionCode: 'FR', regionIsDefault: false, regionReason: 'Set by greenlens.region.', source: 'Ember 2023 yearly carbon intensity' },
    equivalents: [
      { label: 'km driven by an average petrol car', value: kg / 0.17, factor: '0.17 kg CO2e per km', source: 'UK DESNZ 2023 conversion factors' },
      { label: 'smartphone charges', value: energy / 0.0124, factor: '12.4 Wh per full charge', source: 'US EPA greenhouse gas equivalencies' },
      { label: 'hours of a 10 W LED bulb', value: (energy * 1000) / 10, factor: '10 W', source: 'nominal bulb rating' },
    ],
    greener: [
      { name: 'Sweden', code: 'SE', gPerKWh: 41, kgCO2e: (energy * 41) / 1000, savedPercent: ((g - 41) / g) * 100 },
      { name: 'Norway', code: 'NO', gPerKWh: 30, kgCO2e: (energy * 30) / 1000, savedPercent: ((g - 30) / g) * 100 },
      { name: 'gcp:europe-north1', code: 'gcp:europe-north1', gPerKWh: 39, kgCO2e: (energy * 39) / 1000, savedPercent: ((g - 39) / g) * 100 },
    ],
    comparison: comparisonInSeries(
      [{ runId: '2025-11-26T16-02-44-1b9e', endedAt: 0, script: 'train.py', energyKWh: energy * 1.14, kgCO2e: kg * 1.14, durationS: seconds * 1.09, status: 'completed' }],
      { runId: '2025-11-27T10-14-03-7f3a', script: 'train.py', status: 'completed', energyKWh: energy, durationS: seconds, endedAt: 1 },
    ),
    warnings: ['RAM power is estimated: no DRAM RAPL domain on this machine.', 'nvidia-smi missed 3 samples (timeout); the gaps were interpolated.'],
    hardware: { cpuModel: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', cpuCount: 8, gpuModels: ['NVIDIA A10G'], ramTotalGb: 32 },
  };
}
