#!/usr/bin/env node
// Builds GreenLens's compact grid-intensity tables from public reference data.
// The tables are committed; this script is how they were made and how they are
// remade when the sources change. Nothing reads the sources at run time.
//
// Usage:
//   node scripts/build-grid-tables.js <reference-dir> [--tzdir DIR] [--iso FILE] [--out DIR]
//
// Inputs:
//   <reference-dir>/global_energy_mix.json          CodeCarbon, per-country grid intensity (alpha-3)
//   <reference-dir>/cloud_region_impact.csv         CodeCarbon, per-cloud-region grid intensity
//   <reference-dir>/carbon_intensity_per_source.json CodeCarbon, world average (IEA 2019)
//   --tzdir  (default /usr/share/zoneinfo)           IANA tz database: zone.tab, tzdata.zi, iso3166.tab
//   --iso    (default /usr/share/iso-codes/json/iso_3166-1.json)
//            ISO 3166-1 alpha-2 ↔ alpha-3 code pairs (only the code pairs are used)
//
// Outputs (src/core/knowledge/, or --out DIR; a test rebuilds into a temporary folder
// and compares, so the committed tables cannot drift from this script):
//   gridCountries.json    alpha-3 → alpha-2, name, gCO2e/kWh, year
//   gridCloudRegions.json "provider:region" → gCO2e/kWh, country, location, basis
//   regionTimeZones.json  IANA time zone → alpha-2 country
'use strict';
const fs = require('fs');
const path = require('path');

const CODECARBON = 'CodeCarbon (mlco2/codecarbon, MIT License), commit b05965e4';

// AWS and Azure publish no per-region grid figure in CodeCarbon's table, so
// their regions are placed by country (the region's documented location).
// Where a GCP region of the table sits in the same metropolitan area or on
// the same grid operator, its grid figure is the better estimate than the
// national average (US states and Canadian provinces differ by 100× or more),
// and `sameGridAs` names it.
const OTHER_CLOUD_REGIONS = {
  aws: [
    ['us-east-1', 'USA', 'N. Virginia', 'gcp:us-east4'],
    ['us-east-2', 'USA', 'Ohio', 'gcp:us-east5'],
    ['us-west-1', 'USA', 'N. California', 'gcp:us-west2'],
    ['us-west-2', 'USA', 'Oregon', 'gcp:us-west1'],
    ['af-south-1', 'ZAF', 'Cape Town'],
    ['ap-east-1', 'HKG', 'Hong Kong'],
    ['ap-south-1', 'IND', 'Mumbai', 'gcp:asia-south1'],
    ['ap-south-2', 'IND', 'Hyderabad'],
    ['ap-southeast-1', 'SGP', 'Singapore', 'gcp:asia-southeast1'],
    ['ap-southeast-2', 'AUS', 'Sydney', 'gcp:australia-southeast1'],
    ['ap-southeast-3', 'IDN', 'Jakarta', 'gcp:asia-southeast2'],
    ['ap-southeast-4', 'AUS', 'Melbourne', 'gcp:australia-southeast2'],
    ['ap-northeast-1', 'JPN', 'Tokyo', 'gcp:asia-northeast1'],
    ['ap-northeast-2', 'KOR', 'Seoul', 'gcp:asia-northeast3'],
    ['ap-northeast-3', 'JPN', 'Osaka', 'gcp:asia-northeast2'],
    ['ca-central-1', 'CAN', 'Montreal', 'gcp:northamerica-northeast1'],
    ['ca-west-1', 'CAN', 'Calgary'],
    ['eu-central-1', 'DEU', 'Frankfurt', 'gcp:europe-west3'],
    ['eu-central-2', 'CHE', 'Zurich', 'gcp:europe-west6'],
    ['eu-west-1', 'IRL', 'Ireland'],
    ['eu-west-2', 'GBR', 'London', 'gcp:europe-west2'],
    ['eu-west-3', 'FRA', 'Paris', 'gcp:europe-west9'],
    ['eu-north-1', 'SWE', 'Stockholm'],
    ['eu-south-1', 'ITA', 'Milan', 'gcp:europe-west8'],
    ['eu-south-2', 'ESP', 'Aragón'],
    ['il-central-1', 'ISR', 'Tel Aviv', 'gcp:me-west1'],
    ['me-south-1', 'BHR', 'Bahrain'],
    ['me-central-1', 'ARE', 'UAE'],
    ['sa-east-1', 'BRA', 'São Paulo', 'gcp:southamerica-east1'],
  ],
  azure: [
    ['eastus', 'USA', 'Virginia', 'gcp:us-east4'],
    ['eastus2', 'USA', 'Virginia', 'gcp:us-east4'],
    ['westus', 'USA', 'California', 'gcp:us-west2'],
    ['westus2', 'USA', 'Washington'],
    ['westus3', 'USA', 'Arizona'],
    ['centralus', 'USA', 'Iowa', 'gcp:us-central1'],
    ['northcentralus', 'USA', 'Illinois'],
    ['southcentralus', 'USA', 'Texas', 'gcp:us-south1'],
    ['westcentralus', 'USA', 'Wyoming'],
    ['canadacentral', 'CAN', 'Toronto', 'gcp:northamerica-northeast2'],
    ['canadaeast', 'CAN', 'Quebec City', 'gcp:northamerica-northeast1'],
    ['brazilsouth', 'BRA', 'São Paulo', 'gcp:southamerica-east1'],
    ['northeurope', 'IRL', 'Ireland'],
    ['westeurope', 'NLD', 'Netherlands', 'gcp:europe-west4'],
    ['uksouth', 'GBR', 'London', 'gcp:europe-west2'],
    ['ukwest', 'GBR', 'Cardiff'],
    ['francecentral', 'FRA', 'Paris', 'gcp:europe-west9'],
    ['germanywestcentral', 'DEU', 'Frankfurt', 'gcp:europe-west3'],
    ['switzerlandnorth', 'CHE', 'Zurich', 'gcp:europe-west6'],
    ['norwayeast', 'NOR', 'Oslo'],
    ['swedencentral', 'SWE', 'Gävle'],
    ['polandcentral', 'POL', 'Warsaw', 'gcp:europe-central2'],
    ['italynorth', 'ITA', 'Milan', 'gcp:europe-west8'],
    ['spaincentral', 'ESP', 'Madrid', 'gcp:europe-southwest1'],
    ['eastasia', 'HKG', 'Hong Kong'],
    ['southeastasia', 'SGP', 'Singapore', 'gcp:asia-southeast1'],
    ['japaneast', 'JPN', 'Tokyo', 'gcp:asia-northeast1'],
    ['japanwest', 'JPN', 'Osaka', 'gcp:asia-northeast2'],
    ['koreacentral', 'KOR', 'Seoul', 'gcp:asia-northeast3'],
    ['centralindia', 'IND', 'Pune'],
    ['southindia', 'IND', 'Chennai'],
    ['westindia', 'IND', 'Mumbai', 'gcp:asia-south1'],
    ['australiaeast', 'AUS', 'New South Wales', 'gcp:australia-southeast1'],
    ['australiasoutheast', 'AUS', 'Victoria', 'gcp:australia-southeast2'],
    ['uaenorth', 'ARE', 'Dubai'],
    ['southafricanorth', 'ZAF', 'Johannesburg', 'gcp:africa-south1'],
    ['qatarcentral', 'QAT', 'Doha', 'gcp:me-central1'],
    ['israelcentral', 'ISR', 'Israel', 'gcp:me-west1'],
    ['mexicocentral', 'MEX', 'Querétaro'],
  ],
};

// Misspelt region names in the source, corrected to the provider's real name.
const REGION_CORRECTIONS = { 'gcp:me-cenrtal1': 'gcp:me-central1' };

// tz links whose target lies in another country (the tz database merged
// zones that agree on clocks since 1970), placed where the name really is.
// America/Coral_Harbour matters most: ICU reports it as the canonical name
// of America/Atikokan (Canada).
const LINK_COUNTRY_OVERRIDES = {
  'America/Coral_Harbour': 'CA',
  'America/Virgin': 'VI',
  'Pacific/Johnston': 'UM',
  'Pacific/Truk': 'FM',
  'Pacific/Yap': 'FM',
  'Pacific/Ponape': 'FM',
  'Pacific/Samoa': 'AS',
  'Atlantic/Jan_Mayen': 'SJ',
  'Arctic/Longyearbyen': 'SJ',
  'Antarctica/South_Pole': 'AQ',
  Iceland: 'IS',
  'Africa/Timbuktu': 'ML',
  'Africa/Asmera': 'ER',
};

// Names that say nothing about a country (UTC, GMT offsets, abbreviations).
const NO_COUNTRY = /^(Etc\/|GMT|UTC$|UCT$|Universal$|Zulu$|Greenwich$|Factory$|(CET|EET|WET|MET|EST|MST|HST|EST5EDT|CST6CDT|MST7MDT|PST8PDT)$)/;

function parseArgs(argv) {
  const args = {
    tzdir: '/usr/share/zoneinfo',
    iso: '/usr/share/iso-codes/json/iso_3166-1.json',
    out: path.join(__dirname, '..', 'src', 'core', 'knowledge'),
  };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tzdir') args.tzdir = argv[++i];
    else if (argv[i] === '--iso') args.iso = argv[++i];
    else if (argv[i] === '--out') args.out = argv[++i];
    else rest.push(argv[i]);
  }
  if (rest.length !== 1) {
    console.error('usage: node scripts/build-grid-tables.js <reference-dir> [--tzdir DIR] [--iso FILE] [--out DIR]');
    process.exit(2);
  }
  args.reference = rest[0];
  return args;
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    console.error(`cannot read ${file}: ${e.message}`);
    process.exit(1);
  }
}

/** Minimal RFC 4180 line splitter; the source CSV has no quoted newlines. */
function splitCsvLine(line) {
  const out = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  out.push(field);
  return out;
}

function tzTab(file) {
  return readText(file)
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

/** Writes a table as JSON with one entry per line, so diffs stay readable. */
function writeTable(file, header, key, entries) {
  const lines = Object.keys(entries)
    .sort()
    .map((k) => `    ${JSON.stringify(k)}: ${JSON.stringify(entries[k])}`);
  const head = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const text = `{\n${head.join('\n')}\n  ${JSON.stringify(key)}: {\n${lines.join(',\n')}\n  }\n}\n`;
  fs.writeFileSync(file, text);
  console.log(`wrote ${file} (${lines.length} entries, ${text.length} bytes)`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const out = args.out;
  fs.mkdirSync(out, { recursive: true });
  const mix = JSON.parse(readText(path.join(args.reference, 'global_energy_mix.json')));
  const perSource = JSON.parse(readText(path.join(args.reference, 'carbon_intensity_per_source.json')));
  const isoPairs = JSON.parse(readText(args.iso))['3166-1'];
  const tzNames = new Map(tzTab(path.join(args.tzdir, 'iso3166.tab')).map(([a2, name]) => [a2, name]));

  // Countries: every ISO 3166-1 code, with the grid figure where the source has one.
  const countries = {};
  const alpha3Of = new Map();
  for (const c of isoPairs) {
    alpha3Of.set(c.alpha_2, c.alpha_3);
    const m = mix[c.alpha_3];
    const name = m?.country_name || tzNames.get(c.alpha_2) || c.name;
    const entry = { a2: c.alpha_2, name };
    if (m && typeof m.carbon_intensity === 'number') Object.assign(entry, { g: m.carbon_intensity, year: m.year });
    countries[c.alpha_3] = entry;
  }
  for (const k of Object.keys(mix)) if (!countries[k]) console.warn(`warning: ${k} in the energy mix has no ISO 3166-1 code; left out`);
  const years = Object.values(countries).map((c) => c.year).filter(Boolean);
  writeTable(
    path.join(out, 'gridCountries.json'),
    {
      source: `${CODECARBON}, codecarbon/data/private_infra/global_energy_mix.json (Our World in Data / Ember electricity data)`,
      unit: 'gCO2e/kWh',
      years: `${Math.min(...years)}-${Math.max(...years)} (per entry)`,
      worldAverage: perSource.world_average,
      worldAverageSource: `IEA Global Energy & CO2 Status Report 2019 (${perSource.world_average_source}), as used by ${CODECARBON}`,
      generatedBy: 'scripts/build-grid-tables.js',
    },
    'countries',
    countries,
  );

  // Cloud regions: provider figures from the CSV, then AWS/Azure by location.
  const regions = {};
  const csv = readText(path.join(args.reference, 'cloud_region_impact.csv')).split(/\r?\n/).filter(Boolean);
  const head = splitCsvLine(csv[0]);
  const col = (name) => head.indexOf(name);
  for (const line of csv.slice(1)) {
    const f = splitCsvLine(line);
    let key = `${f[col('provider')]}:${f[col('region')]}`.toLowerCase();
    key = REGION_CORRECTIONS[key] ?? key;
    const g = Number(f[col('impact')]);
    if (!Number.isFinite(g)) {
      console.warn(`warning: ${key} has no figure; left out`);
      continue;
    }
    const location = [f[col('city')], f[col('state')]].filter(Boolean).join(', ');
    regions[key] = { g, country: f[col('countryIsoCode')], location, basis: 'provider' };
  }
  for (const [provider, list] of Object.entries(OTHER_CLOUD_REGIONS)) {
    for (const [region, country, location, sameGridAs] of list) {
      const key = `${provider}:${region}`;
      if (regions[key]) continue;
      const twin = sameGridAs && regions[sameGridAs];
      if (sameGridAs && !twin) throw new Error(`${key}: ${sameGridAs} is not in the table`);
      if (twin) regions[key] = { g: twin.g, country, location, basis: 'same-grid', sameGridAs };
      else if (countries[country]?.g !== undefined) regions[key] = { g: countries[country].g, country, location, basis: 'country', year: countries[country].year };
      else throw new Error(`${key}: no figure for ${country}`);
    }
  }
  writeTable(
    path.join(out, 'gridCloudRegions.json'),
    {
      source: `${CODECARBON}, codecarbon/data/cloud/impact.csv (Google Cloud region carbon data); AWS and Azure regions placed by location`,
      unit: 'gCO2e/kWh',
      basis: 'provider: the table gives the region; same-grid: a region of the table in the same area (sameGridAs); country: the national average of gridCountries.json',
      generatedBy: 'scripts/build-grid-tables.js',
    },
    'regions',
    regions,
  );

  // Time zones: zone.tab places each zone in one country; links (old names,
  // which ICU still reports, such as Asia/Calcutta) follow their target.
  const zones = {};
  for (const [a2, , zone] of tzTab(path.join(args.tzdir, 'zone.tab'))) zones[zone] = a2;
  for (const line of readText(path.join(args.tzdir, 'tzdata.zi')).split('\n')) {
    const [kind, target, link] = line.split(' ');
    if (kind !== 'L' || zones[link] || NO_COUNTRY.test(link)) continue;
    const a2 = LINK_COUNTRY_OVERRIDES[link] ?? zones[target];
    if (a2) zones[link] = a2;
  }
  for (const [zone, a2] of Object.entries(zones)) if (!alpha3Of.has(a2)) throw new Error(`${zone}: unknown country ${a2}`);
  const tzVersion = readText(path.join(args.tzdir, 'tzdata.zi')).match(/^# version (\S+)/m)?.[1] ?? 'unknown';
  writeTable(
    path.join(out, 'regionTimeZones.json'),
    { source: `IANA tz database ${tzVersion} (public domain): zone.tab and links of tzdata.zi`, generatedBy: 'scripts/build-grid-tables.js' },
    'zones',
    zones,
  );
}

main();
