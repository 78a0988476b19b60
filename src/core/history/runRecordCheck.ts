/**
 * Checks that a parsed `runs/<id>.json` has the fields its readers rely on,
 * so a hand-edited, truncated-then-repaired or foreign record is refused
 * where it is read, with the field named ("field energy.totalKWh is
 * missing"), instead of failing later in a view with a TypeError.
 *
 * Only the required fields of `RunRecord` must be present. Optional fields
 * are checked when present (a view uses them when they are there), and
 * fields the checker does not know are ignored, so records written by older
 * versions (without newer optional fields) and by newer ones (with extra
 * fields) stay readable.
 *
 * The shapes are typed against `RunRecord`: adding a required field to the
 * record without checking it here fails to compile.
 */
import type { ResolvedRegion } from '../knowledge/region';
import type { ComponentEnergy, GitInfo, LeftoverProcesses, RunCommand, RunProgress, RunRecord, SourceRecord, TimelinePoint, Utilisation } from './runRecord';

/** Returns what is wrong with `value` at the dotted path `at`, or undefined when it fits. */
type Check = (value: unknown, at: string) => string | undefined;

/** A field that may be absent; when present it must pass its check. */
interface Optional {
  optional: Check;
}

type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;
/** Every required key of T needs a check; optional keys may have one. */
type Shape<T> = { [K in RequiredKeys<T>]: Check } & { [K in OptionalKeys<T>]?: Optional };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value === 'number' ? 'a number' : 'a boolean'} (${String(value)})`;
  return typeof value;
}

function wrong(value: unknown, at: string, expected: string): string {
  return `field ${at} is ${describe(value)}, not ${expected}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const num: Check = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? undefined : wrong(v, at, 'a number'));
const str: Check = (v, at) => (typeof v === 'string' ? undefined : wrong(v, at, 'a string'));
const bool: Check = (v, at) => (typeof v === 'boolean' ? undefined : wrong(v, at, 'a boolean'));

function optional(check: Check): Optional {
  return { optional: check };
}

function oneOf(...values: readonly (string | number)[]): Check {
  return (v, at) => (values.includes(v as string | number) ? undefined : wrong(v, at, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`));
}

function nullable(check: Check): Check {
  return (v, at) => (v === null ? undefined : check(v, at));
}

/** An array whose items all pass `check`; the first bad item is named by its index. */
function arrayOf(check: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return wrong(v, at, 'an array');
    for (let i = 0; i < v.length; i++) {
      const problem = check(v[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function object<T>(shape: Shape<T>): Check {
  const entries = Object.entries(shape as Record<string, Check | Optional>);
  return (v, at) => {
    if (!isObject(v)) return wrong(v, at, 'an object');
    for (const [key, spec] of entries) {
      const here = at ? `${at}.${key}` : key;
      const value = v[key];
      if (typeof spec === 'function') {
        if (value === undefined) return `field ${here} is missing`;
        const problem = spec(value, here);
        if (problem) return problem;
      } else if (value !== undefined) {
        const problem = spec.optional(value, here);
        if (problem) return problem;
      }
    }
    return undefined;
  };
}

const strings = arrayOf(str);

const region = object<ResolvedRegion>({
  code: str,
  name: str,
  // Kinds and bases are shown or compared as text; a kind a later version adds must not hide the run.
  kind: str,
  gPerKWh: num,
  source: str,
  isDefault: bool,
  reason: str,
  basis: str,
  countryIso3: optional(str),
  countryName: optional(str),
  year: optional(num),
  provider: optional(str),
  cloudRegion: optional(str),
  location: optional(str),
  figureBasis: optional(str),
  sameGridAs: optional(str),
});

const component = object<ComponentEnergy>({
  // Views look labels and colours up by component and provenance, so these must be known values.
  component: oneOf('cpu', 'gpu', 'ram'),
  energyKWh: num,
  powerW: num,
  provenance: oneOf('measured', 'estimated'),
  source: str,
  machineEnergyKWh: optional(num),
});

const timelinePoint = object<TimelinePoint>({ tS: num, cpuW: optional(num), gpuW: optional(num), ramW: optional(num), processW: optional(num) });

const utilisation = object<Utilisation>({
  cpuPercent: optional(num),
  gpuPercent: optional(num),
  ramPercent: optional(num),
  ramUsedGb: optional(num),
});

const record = object<RunRecord>({
  schema: num,
  runId: str,
  experimentId: str,
  projectName: str,
  startedAt: str,
  endedAt: str,
  durationS: num,
  command: object<RunCommand>({ argv: strings, cwd: str, file: optional(str) }),
  exitCode: nullable(num),
  signal: optional(str),
  status: oneOf('completed', 'failed', 'cancelled', 'killed'),
  git: optional(object<GitInfo>({ commit: str, branch: optional(str) })),
  trackingMode: oneOf('process', 'machine'),
  energy: object<RunRecord['energy']>({
    totalKWh: num,
    processKWh: optional(num),
    machineKWh: optional(num),
    components: arrayOf(component),
  }),
  carbon: object<RunRecord['carbon']>({
    kgCO2e: num,
    gPerKWh: num,
    pue: num,
    pueIsDefault: bool,
    region,
    notes: strings,
  }),
  hardware: object<RunRecord['hardware']>({
    os: str,
    cpuModel: optional(str),
    cpuCount: optional(num),
    gpuModels: strings,
    ramTotalGb: optional(num),
    onCloud: bool,
  }),
  utilisation,
  timeline: arrayOf(timelinePoint),
  progress: optional(
    object<RunProgress>({
      epoch: optional(num),
      totalEpochs: optional(num),
      completedFraction: optional(num),
      predictedTotalKWh: optional(num),
    }),
  ),
  pythonVersion: optional(str),
  warnings: strings,
  sources: optional(
    arrayOf(
      object<SourceRecord>({
        component: oneOf('cpu', 'gpu', 'ram'),
        name: str,
        // Shown as text; a status a later version adds must not hide the run.
        status: str,
        detail: str,
      }),
    ),
  ),
  stopSignal: optional(str),
  leftovers: optional(object<LeftoverProcesses>({ stopped: num, killed: num })),
  greenlensVersion: str,
});

/**
 * The first problem that keeps a parsed JSON value from being used as a
 * `RunRecord`, e.g. `field energy.totalKWh is missing` or
 * `field durationS is a string ("12"), not a number`; undefined when the
 * record has every field its readers rely on, with the right type.
 */
export function runRecordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `the file holds ${describe(value)}, not a run record object`;
  return record(value, '');
}

/** True when `value` can be used as a `RunRecord` (see `runRecordProblem`). */
export function isRunRecord(value: unknown): value is RunRecord {
  return runRecordProblem(value) === undefined;
}
