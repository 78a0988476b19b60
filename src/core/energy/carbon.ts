/**
 * Carbon maths: energy × PUE × grid intensity of the region (offline tables,
 * see knowledge/region). Every result carries the inputs it used, so a report
 * can say where each figure came from and whether a default stood in.
 */
import { allCloudRegions, resolveRegion, systemTimeZone, type ResolvedRegion } from '../knowledge/region';

/**
 * PUE (power usage effectiveness) applied when the setting is absent: 1.0, as
 * CodeCarbon does for a local machine. Data centres run higher (Uptime
 * Institute survey average 1.58; hyperscalers about 1.1–1.2), which the user
 * sets through `greenlens.pue`.
 */
export const DEFAULT_PUE = 1.0;

/** PUE above this is far beyond any surveyed data centre and is most likely a typo. */
const MAX_PLAUSIBLE_PUE = 3;

export interface CarbonInputs {
  /** Power usage effectiveness of the facility, ≥ 1. Defaults to DEFAULT_PUE. */
  pue?: number;
  /** A resolved region, or a `greenlens.region` setting to resolve. Unset: from the time zone. */
  region?: ResolvedRegion | string;
  /** Time zone used when the region is unset (tests pass one; defaults to the system's). */
  timeZone?: string;
}

export interface CarbonResult {
  /** Emissions in kg CO2e. */
  kgCO2e: number;
  /** Energy measured or estimated at the machine (kWh), before PUE. */
  energyKWh: number;
  /** Energy at the facility meter: energyKWh × pue. */
  facilityEnergyKWh: number;
  pue: number;
  /** True when the PUE setting was absent or unusable and DEFAULT_PUE applied. */
  pueIsDefault: boolean;
  region: ResolvedRegion;
  gPerKWh: number;
  /** True when anything defaulted (world-average intensity). */
  usedDefault: boolean;
  /** Sentences for the user: defaults that stood in and settings that were ignored. */
  notes: string[];
}

/** A greener place to run the same job. */
export interface GreenerOption {
  region: ResolvedRegion;
  kgCO2e: number;
  savedKg: number;
  /** Share of the current emissions saved, 0–100. */
  savedPercent: number;
}

/** Validates a PUE setting: a number from 1 to 3, else the default with a note. */
export function pueOf(setting: unknown): { pue: number; isDefault: boolean; note?: string } {
  if (setting === undefined || setting === null || setting === '') return { pue: DEFAULT_PUE, isDefault: true };
  const n = typeof setting === 'number' ? setting : Number(setting);
  if (!Number.isFinite(n) || n < 1 || n > MAX_PLAUSIBLE_PUE) {
    return {
      pue: DEFAULT_PUE,
      isDefault: true,
      note: `greenlens.pue ${JSON.stringify(setting)} is not a PUE between 1 and ${MAX_PLAUSIBLE_PUE}; used ${DEFAULT_PUE}`,
    };
  }
  return { pue: n, isDefault: false };
}

/** Emissions of `energyKWh` under the given PUE and region, with the inputs used. */
export function carbonOf(energyKWh: number, inputs: CarbonInputs = {}): CarbonResult {
  if (!Number.isFinite(energyKWh) || energyKWh < 0) throw new RangeError(`energy must be a non-negative number of kWh, got ${energyKWh}`);
  const region = typeof inputs.region === 'object' ? inputs.region : resolveRegion(inputs.region, inputs.timeZone ?? systemTimeZone());
  const pue = pueOf(inputs.pue);
  const facilityEnergyKWh = energyKWh * pue.pue;
  const notes: string[] = [];
  if (pue.note) notes.push(pue.note);
  if (region.isDefault) notes.push(region.reason);
  return {
    kgCO2e: (facilityEnergyKWh * region.gPerKWh) / 1000,
    energyKWh,
    facilityEnergyKWh,
    pue: pue.pue,
    pueIsDefault: pue.isDefault,
    region,
    gPerKWh: region.gPerKWh,
    usedDefault: region.isDefault,
    notes,
  };
}

/**
 * "The same run in a greener region": the lowest-intensity cloud regions
 * whose figure belongs to the region itself (not a national average, which
 * can hide a coal-heavy province), at the same PUE. From a cloud region the
 * comparison stays with the same provider; from a country or the default it
 * spans providers. Only regions that would emit less are listed, lowest first.
 */
export function greenerRegions(energyKWh: number, inputs: CarbonInputs = {}, limit = 3): GreenerOption[] {
  const current = carbonOf(energyKWh, inputs);
  const sameProvider = current.region.kind === 'cloud' ? current.region.provider : undefined;
  const candidates = allCloudRegions()
    .filter((r) => r.figureBasis !== 'country' && r.gPerKWh < current.gPerKWh)
    .filter((r) => !sameProvider || r.provider === sameProvider)
    .sort((a, b) => a.gPerKWh - b.gPerKWh || basisRank(a) - basisRank(b) || a.code.localeCompare(b.code));
  // Regions that share a grid figure (AWS and Azure beside a Google Cloud
  // region) would repeat the same saving; each grid is listed once.
  const picked: ResolvedRegion[] = [];
  const grids = new Set<string>();
  for (const r of candidates) {
    if (picked.length >= limit) break;
    const grid = r.sameGridAs ?? r.code;
    if (grids.has(grid)) continue;
    grids.add(grid);
    picked.push(r);
  }
  return picked.map((region) => {
    const kgCO2e = (energyKWh * current.pue * region.gPerKWh) / 1000;
    const savedKg = current.kgCO2e - kgCO2e;
    return { region, kgCO2e, savedKg, savedPercent: current.kgCO2e > 0 ? (100 * savedKg) / current.kgCO2e : 0 };
  });
}

function basisRank(r: ResolvedRegion): number {
  return r.figureBasis === 'provider' ? 0 : 1;
}
