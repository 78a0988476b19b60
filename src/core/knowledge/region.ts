/**
 * Where the electricity comes from: the `greenlens.region` setting or, when
 * it is unset, the system time zone, resolved offline to a grid intensity
 * (gCO2e/kWh) from the committed tables gridCountries.json,
 * gridCloudRegions.json and regionTimeZones.json (built by
 * scripts/build-grid-tables.js; sources named in each table and in NOTICE).
 * When nothing says where the machine is, the world average applies and the
 * result says so, with the reason.
 */
import gridCountries from './gridCountries.json';
import gridCloudRegions from './gridCloudRegions.json';
import regionTimeZones from './regionTimeZones.json';

export type RegionKind = 'country' | 'cloud' | 'world';
/** What chose the region: the setting, the system time zone, or nothing (the default). */
export type RegionBasis = 'setting' | 'time-zone' | 'default';
/** How a cloud region's figure was found (see gridCloudRegions.json). */
export type CloudFigureBasis = 'provider' | 'same-grid' | 'country';
export type CloudProvider = 'aws' | 'azure' | 'gcp';

export interface ResolvedRegion {
  /** `FR` (ISO 3166-1 alpha-2) for a country, `aws:eu-west-1` for a cloud region, `WORLD` for the default. */
  code: string;
  /** Human name: `France`, `aws eu-west-1 (Ireland)`, `World average`. */
  name: string;
  kind: RegionKind;
  /** Grid carbon intensity in gCO2e/kWh. */
  gPerKWh: number;
  /** Where the figure comes from, with its year where known. */
  source: string;
  /** True when the world average was used because the location is unknown. */
  isDefault: boolean;
  /** One sentence on how the region was chosen, for the report. */
  reason: string;
  basis: RegionBasis;
  /** ISO 3166-1 alpha-3 of the country (the country itself, or where a cloud region sits). */
  countryIso3?: string;
  /** Country name, also for cloud regions. */
  countryName?: string;
  year?: number;
  provider?: CloudProvider;
  /** The provider's own region name, e.g. `eu-west-1`. */
  cloudRegion?: string;
  location?: string;
  /** For cloud regions: how the figure was found. */
  figureBasis?: CloudFigureBasis;
  /** For `same-grid` cloud regions: the region whose figure stands in, e.g. `gcp:europe-west9`. */
  sameGridAs?: string;
}

interface CountryRow {
  a2: string;
  name: string;
  g?: number;
  year?: number;
}

interface CloudRow {
  g: number;
  country: string;
  location: string;
  basis: string;
  sameGridAs?: string;
  year?: number;
}

/** The world average grid intensity used when the location is unknown (gCO2e/kWh). */
export const WORLD_AVERAGE_G_PER_KWH: number = gridCountries.worldAverage;
const WORLD_SOURCE = gridCountries.worldAverageSource;
const COUNTRY_SOURCE = 'Our World in Data / Ember via CodeCarbon';

const countriesByIso3 = gridCountries.countries as Record<string, CountryRow>;
const countriesByIso2 = new Map<string, [string, CountryRow]>();
for (const [iso3, row] of Object.entries(countriesByIso3)) countriesByIso2.set(row.a2, [iso3, row]);
const cloudRows = gridCloudRegions.regions as Record<string, CloudRow>;
const zoneCountries = regionTimeZones.zones as Record<string, string>;

const PROVIDER_ALIASES: Record<string, CloudProvider> = {
  aws: 'aws',
  amazon: 'aws',
  gcp: 'gcp',
  google: 'gcp',
  gce: 'gcp',
  azure: 'azure',
  microsoft: 'azure',
};
const PROVIDER_NAMES: Record<CloudProvider, string> = { aws: 'AWS', azure: 'Azure', gcp: 'Google Cloud' };

/** Zone names that carry no location: UTC, GMT offsets, bare abbreviations. */
const GENERIC_ZONE = /^(Etc\/|GMT|UTC|UCT|Universal|Zulu|Greenwich|Factory|[A-Z]{3}\d?([A-Z]{3})?$)/;

/** Codes people write that ISO spells differently. */
const COUNTRY_ALIASES: Record<string, string> = { UK: 'GB', EL: 'GR' };

/**
 * Resolves the region setting (ISO alpha-2 or alpha-3 country code, or a
 * cloud region `provider:region` such as `aws:eu-west-1`) to a grid
 * intensity. An empty or `auto` setting falls back to the time zone; an
 * unknown one, or a place without a figure, to the world average, with the
 * reason in `reason`.
 */
export function resolveRegion(setting?: string, timeZone: string | undefined = systemTimeZone()): ResolvedRegion {
  const text = (setting ?? '').trim();
  if (text && text.toLowerCase() !== 'auto') {
    const found = cloudRegion(text, 'setting') ?? country(text, 'setting', (name) => `greenlens.region is "${text}" (${name})`);
    if (found) return found;
    return worldDefault(`greenlens.region "${text}" is neither an ISO country code nor a known cloud region (such as aws:eu-west-1)`);
  }
  if (!timeZone) return worldDefault('the system time zone is unknown and greenlens.region is not set');
  const iso2 = zoneCountries[timeZone];
  if (!iso2) {
    const why = GENERIC_ZONE.test(timeZone) ? 'says nothing about the country' : 'is not in the time-zone table';
    return worldDefault(`time zone ${timeZone} ${why}; set greenlens.region (such as FR or aws:eu-west-1) to use the local grid`);
  }
  return (
    country(iso2, 'time-zone', (name) => `${name}, from the time zone ${timeZone}`) ??
    worldDefault(`time zone ${timeZone} points to ${countriesByIso2.get(iso2)?.[1].name ?? iso2}, which has no grid figure`)
  );
}

/** The system's IANA time zone, or undefined where the runtime does not say. */
export function systemTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The world-average region, with the reason it was used. */
export function worldDefault(reason: string): ResolvedRegion {
  return {
    code: 'WORLD',
    name: 'World average',
    kind: 'world',
    gPerKWh: WORLD_AVERAGE_G_PER_KWH,
    source: WORLD_SOURCE,
    isDefault: true,
    reason: `${reason}; used the world average of ${WORLD_AVERAGE_G_PER_KWH} gCO2e/kWh`,
    basis: 'default',
  };
}

/** Every cloud region in the table, resolved (for comparisons and pickers). */
export function allCloudRegions(): ResolvedRegion[] {
  return Object.keys(cloudRows).map((key) => cloudRegion(key, 'setting')!);
}

/** Every country with a grid figure, resolved. */
export function allCountries(): ResolvedRegion[] {
  return Object.values(countriesByIso3)
    .filter((row) => row.g !== undefined)
    .map((row) => country(row.a2, 'setting', (name) => name)!);
}

function country(text: string, basis: RegionBasis, why: (name: string) => string): ResolvedRegion | undefined {
  const code = text.toUpperCase();
  let iso3: string | undefined;
  let row: CountryRow | undefined;
  if (/^[A-Z]{2}$/.test(code)) [iso3, row] = countriesByIso2.get(COUNTRY_ALIASES[code] ?? code) ?? [];
  else if (/^[A-Z]{3}$/.test(code)) [iso3, row] = countriesByIso3[code] ? [code, countriesByIso3[code]] : [];
  if (!iso3 || !row) return undefined;
  if (row.g === undefined) {
    return worldDefault(`${why(row.name)}, which has no grid figure in the table`);
  }
  return {
    code: row.a2,
    name: row.name,
    kind: 'country',
    gPerKWh: row.g,
    source: `${COUNTRY_SOURCE}, ${row.year}`,
    isDefault: false,
    reason: why(row.name),
    basis,
    countryIso3: iso3,
    countryName: row.name,
    year: row.year,
  };
}

function cloudRegion(text: string, basis: RegionBasis): ResolvedRegion | undefined {
  const key = cloudKey(text);
  const row = key && cloudRows[key];
  if (!key || !row) return undefined;
  const [provider, region] = key.split(':') as [CloudProvider, string];
  const countryRow = countriesByIso3[row.country];
  const place = row.location || countryRow?.name || row.country;
  let source: string;
  if (row.basis === 'provider') source = `${PROVIDER_NAMES[provider]} region carbon data via CodeCarbon`;
  else if (row.basis === 'same-grid') source = `${row.sameGridAs} (same grid area) from Google Cloud region carbon data via CodeCarbon`;
  else source = `${countryRow?.name ?? row.country} national average, ${COUNTRY_SOURCE}, ${row.year}`;
  const figure = row.basis === 'country' ? `; ${PROVIDER_NAMES[provider]} publishes no figure for the region, so the national average applies` : '';
  return {
    code: key,
    name: `${PROVIDER_NAMES[provider]} ${region} (${place})`,
    kind: 'cloud',
    gPerKWh: row.g,
    source,
    isDefault: false,
    reason: `cloud region ${key} in ${place}${basis === 'setting' ? ' from greenlens.region' : ''}${figure}`,
    basis,
    countryIso3: row.country,
    countryName: countryRow?.name,
    year: row.year,
    provider,
    cloudRegion: region,
    location: row.location,
    figureBasis: row.basis as CloudFigureBasis,
    ...(row.sameGridAs ? { sameGridAs: row.sameGridAs } : {}),
  };
}

/**
 * The table key for `aws:eu-west-1`, `AWS/eu-west-1`, `google:europe-west1`
 * or a bare region name that only one provider uses (`eu-west-1`).
 */
function cloudKey(text: string): string | undefined {
  const m = /^([a-z]+)\s*[:/]\s*([a-z0-9-]+)$/i.exec(text.trim());
  if (m) {
    const provider = PROVIDER_ALIASES[m[1].toLowerCase()];
    return provider ? `${provider}:${m[2].toLowerCase()}` : undefined;
  }
  if (!/^[a-z]+[a-z0-9-]*[0-9a-z]$/i.test(text) || /^[a-z]{2,3}$/i.test(text)) return undefined;
  const bare = text.toLowerCase();
  const matches = Object.keys(cloudRows).filter((k) => k.endsWith(`:${bare}`));
  return matches.length === 1 ? matches[0] : undefined;
}
