/**
 * Reads the numbers a script sets its work with: literals, module
 * constants, function-parameter defaults, and `args.NAME` resolved through
 * the script's argparse definitions and the arguments it is run with.
 */
import type { CallFact, Facts } from '../analysis/facts';

/** A number and where it came from, for the assumption list. */
export interface Sourced {
  value: number;
  source: string;
}

interface ArgparseOption {
  dest: string;
  flag: string;
  defaultValue?: number;
}

/** `--batch-size` → `batch_size`, as argparse derives `dest`. */
function destOf(flag: string): string {
  return flag.replace(/^-+/, '').replace(/-/g, '_');
}

function argparseOptions(facts: Facts): ArgparseOption[] {
  const options: ArgparseOption[] = [];
  for (const call of facts.calls) {
    if (call.method !== 'add_argument') continue;
    const flags = call.args.filter((a) => a.keyword === undefined && typeof a.literal === 'string').map((a) => a.literal as string);
    const long = flags.find((f) => f.startsWith('--')) ?? flags[0];
    if (!long) continue;
    const destArg = call.args.find((a) => a.keyword === 'dest');
    const def = call.args.find((a) => a.keyword === 'default');
    options.push({
      dest: typeof destArg?.literal === 'string' ? destArg.literal : destOf(long),
      flag: long,
      defaultValue: typeof def?.literal === 'number' ? def.literal : undefined,
    });
  }
  return options;
}

/** The value given for `flag` in `argv` (`--epochs 6`, `--epochs=6`); the last one wins, as in argparse. */
function argvValue(argv: readonly string[], option: ArgparseOption): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!name.startsWith('-') || destOf(name) !== option.dest) continue;
    const text = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
    const n = Number(text);
    if (text !== undefined && text !== '' && Number.isFinite(n)) found = n;
  }
  return found;
}

/** Defaults of `def f(n=2048, features=32)` parameters, by name (only names defaulted to one number everywhere). */
function parameterDefaults(facts: Facts): Map<string, number> {
  const found = new Map<string, number | null>();
  for (const header of facts.text.matchAll(/\bdef\s+\w+\s*\(([^)]*)\)/g)) {
    for (const m of header[1].matchAll(/(\w+)\s*(?::[^=,]+)?=\s*(-?\d+(?:\.\d+)?(?:e\d+)?)\s*(?=,|$)/g)) {
      const n = Number(m[2]);
      const seen = found.get(m[1]);
      found.set(m[1], seen === undefined || seen === n ? n : null);
    }
  }
  const defaults = new Map<string, number>();
  for (const [k, v] of found) if (v !== null) defaults.set(k, v);
  return defaults;
}

/** Resolves expression texts of a file to numbers. */
export class ValueReader {
  private readonly options: ArgparseOption[];
  private readonly defaults: Map<string, number>;

  constructor(
    private readonly facts: Facts,
    private readonly scriptArgs: readonly string[] = [],
  ) {
    this.options = argparseOptions(facts);
    this.defaults = parameterDefaults(facts);
  }

  /** The number an expression (`30`, `EPOCHS`, `args.epochs`, `n`) stands for, if the file says. */
  number(text: string | undefined): Sourced | undefined {
    if (text === undefined) return undefined;
    const t = text.trim().replace(/^int\((.*)\)$/, '$1').trim();
    if (/^\d[\d_]*(?:\.\d+)?(?:e\d+)?$/i.test(t)) return { value: Number(t.replace(/_/g, '')), source: 'literal in the script' };
    const constant = this.facts.constants.get(t);
    if (typeof constant === 'number') return { value: constant, source: `module constant ${t}` };
    const attr = /^\w+\.(\w+)$/.exec(t);
    if (attr) {
      const option = this.options.find((o) => o.dest === attr[1]);
      if (option) {
        const given = argvValue(this.scriptArgs, option);
        if (given !== undefined) return { value: given, source: `script argument ${option.flag} ${given}` };
        if (option.defaultValue !== undefined) return { value: option.defaultValue, source: `argparse default of ${option.flag}` };
      }
    }
    const def = this.defaults.get(t);
    if (def !== undefined) return { value: def, source: `default of parameter ${t}` };
    return undefined;
  }

  /** The number an argument of a call holds (its literal, else its text resolved). */
  argNumber(call: CallFact, keyword: string, position?: number): Sourced | undefined {
    let arg = call.args.find((a) => a.keyword === keyword);
    if (!arg && position !== undefined) arg = call.args.filter((a) => a.keyword === undefined && !a.splat)[position];
    if (!arg) return undefined;
    if (typeof arg.literal === 'number') return { value: arg.literal, source: `${keyword}=${arg.literal} in the script` };
    return this.number(arg.text);
  }
}
