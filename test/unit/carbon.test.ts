/**
 * Grid intensity and carbon maths. The tables are data that reports quote to
 * users, so they are checked like code: sources named, codes consistent,
 * every time zone the runtime knows placed, and the committed files equal to
 * what the build script makes from the reference data (where it is present).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { carbonOf, DEFAULT_PUE, greenerRegions, pueOf } from '../../src/core/energy/carbon';
import gridCloudRegions from '../../src/core/knowledge/gridCloudRegions.json';
import gridCountries from '../../src/core/knowledge/gridCountries.json';
import regionTimeZones from '../../src/core/knowledge/regionTimeZones.json';
import { allCloudRegions, resolveRegion, WORLD_AVERAGE_G_PER_KWH } from '../../src/core/knowledge/region';
import { projectRoot } from '../support/paths';

const countries = gridCountries.countries as Record<string, { a2: string; name: string; g?: number; year?: number }>;

describe('knowledge/grid tables', () => {
  it('name their source, licence and commit', () => {
    for (const table of [gridCountries, gridCloudRegions]) {
      assert.match(table.source, /CodeCarbon \(mlco2\/codecarbon, MIT License\), commit b05965e4/);
      assert.strictEqual(table.generatedBy, 'scripts/build-grid-tables.js');
    }
    assert.match(regionTimeZones.source, /IANA tz database/);
    assert.strictEqual(gridCountries.worldAverage, 475);
  });

  it('give each country one alpha-2 code, and a year with every figure', () => {
    const a2 = Object.values(countries).map((c) => c.a2);
    assert.strictEqual(new Set(a2).size, a2.length);
    for (const [iso3, c] of Object.entries(countries)) {
      assert.match(iso3, /^[A-Z]{3}$/);
      if (c.g !== undefined) {
        assert.ok(c.g >= 0 && c.g < 1500, `${iso3}: ${c.g}`);
        assert.ok(c.year && c.year >= 2000, `${iso3} has no year`);
      }
    }
  });

  it('place every cloud region in a known country with a figure', () => {
    for (const r of allCloudRegions()) {
      assert.ok(r.countryIso3 && countries[r.countryIso3], r.code);
      assert.ok(r.gPerKWh > 0, r.code);
      assert.match(r.code, /^(aws|azure|gcp):[a-z0-9-]+$/);
    }
  });

  it('place every time zone the runtime knows, except the ones without a place', () => {
    const unplaced = Intl.supportedValuesOf('timeZone').filter((z) => {
      const r = resolveRegion(undefined, z);
      return r.isDefault && !/no grid figure/.test(r.reason);
    });
    assert.deepStrictEqual(unplaced, []);
  });

  it('are what scripts/build-grid-tables.js makes from the reference data', () => {
    // The project lives beside shared/ (as in CI); tzdata and iso-codes come from Debian (.ci/run installs them).
    const reference = process.env.GREENLENS_REFERENCE_DIR ?? path.join(projectRoot(), '..', 'shared', 'data', 'reference');
    const tzdir = '/usr/share/zoneinfo';
    const isoFile = '/usr/share/iso-codes/json/iso_3166-1.json';
    for (const p of [reference, tzdir, isoFile]) assert.ok(fs.existsSync(p), `${p} is needed to rebuild the tables (set GREENLENS_REFERENCE_DIR for the reference data)`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-grid-'));
    try {
      const script = path.join(projectRoot(), 'scripts', 'build-grid-tables.js');
      const res = spawnSync(process.execPath, [script, reference, '--out', out], { encoding: 'utf8' });
      assert.strictEqual(res.status, 0, res.stderr);
      const committed = path.join(projectRoot(), 'src', 'core', 'knowledge');
      const names = ['gridCountries.json', 'gridCloudRegions.json'];
      // The time-zone table also depends on the machine's tz database version.
      if (fs.readFileSync(path.join(out, 'regionTimeZones.json'), 'utf8').includes(regionTimeZones.source)) names.push('regionTimeZones.json');
      for (const name of names) {
        assert.strictEqual(fs.readFileSync(path.join(out, name), 'utf8'), fs.readFileSync(path.join(committed, name), 'utf8'), `${name} differs from the script's output`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('resolveRegion', () => {
  it('derives the country from the time zone when the setting is unset', () => {
    const paris = resolveRegion(undefined, 'Europe/Paris');
    assert.deepStrictEqual([paris.code, paris.kind, paris.isDefault, paris.basis, paris.countryIso3], ['FR', 'country', false, 'time-zone', 'FRA']);
    assert.strictEqual(paris.gPerKWh, countries.FRA.g);
    assert.match(paris.reason, /France, from the time zone Europe\/Paris/);
    assert.match(paris.source, /Ember via CodeCarbon, 2023/);
    assert.strictEqual(resolveRegion(undefined, 'America/New_York').code, 'US');
    assert.strictEqual(resolveRegion('auto', 'Asia/Kolkata').code, 'IN');
  });

  it('knows the old zone names ICU still reports (Asia/Calcutta, Europe/Kiev, America/Coral_Harbour)', () => {
    assert.strictEqual(resolveRegion('', 'Asia/Calcutta').code, 'IN');
    assert.strictEqual(resolveRegion('', 'Europe/Kiev').code, 'UA');
    assert.strictEqual(resolveRegion('', 'America/Coral_Harbour').code, 'CA');
    assert.strictEqual(resolveRegion('', 'US/Eastern').code, 'US');
  });

  it('uses the world average with the reason when the time zone says nothing', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'Etc/GMT+5']) {
      const r = resolveRegion(undefined, zone);
      assert.deepStrictEqual([r.code, r.kind, r.isDefault, r.gPerKWh], ['WORLD', 'world', true, 475]);
      assert.match(r.reason, new RegExp(`time zone ${zone.replace('+', '\\+')} says nothing about the country`));
      assert.match(r.reason, /world average of 475 gCO2e\/kWh/);
    }
    assert.match(resolveRegion(undefined, 'Mars/Olympus').reason, /not in the time-zone table/);
    assert.strictEqual(WORLD_AVERAGE_G_PER_KWH, 475);
  });

  it('accepts ISO alpha-2 and alpha-3 codes in any case, and UK for GB', () => {
    for (const code of ['FR', 'fr', 'FRA', 'fra']) assert.strictEqual(resolveRegion(code, 'UTC').code, 'FR');
    const uk = resolveRegion('UK', 'UTC');
    assert.deepStrictEqual([uk.code, uk.basis, uk.countryIso3], ['GB', 'setting', 'GBR']);
  });

  it('resolves cloud regions and says when a national average stands in', () => {
    const aws = resolveRegion('aws:eu-west-1', 'UTC');
    assert.deepStrictEqual(
      [aws.kind, aws.provider, aws.cloudRegion, aws.countryIso3, aws.figureBasis, aws.gPerKWh],
      ['cloud', 'aws', 'eu-west-1', 'IRL', 'country', countries.IRL.g],
    );
    assert.match(aws.reason, /national average/);
    const gcp = resolveRegion('GCP:europe-west9', 'UTC');
    assert.deepStrictEqual([gcp.code, gcp.gPerKWh, gcp.figureBasis, gcp.location], ['gcp:europe-west9', 34, 'provider', 'Paris']);
    const twin = resolveRegion('aws/eu-west-3', 'UTC');
    assert.deepStrictEqual([twin.gPerKWh, twin.sameGridAs], [34, 'gcp:europe-west9']);
    // A bare region name used by one provider only.
    assert.strictEqual(resolveRegion('westeurope', 'UTC').code, 'azure:westeurope');
    // The source misspells me-central1; the table uses the real name.
    assert.strictEqual(resolveRegion('gcp:me-central1', 'UTC').countryIso3, 'QAT');
  });

  it('falls back to the world average, naming the setting, for unknown codes and places without a figure', () => {
    const unknown = resolveRegion('narnia', 'Europe/Paris');
    assert.ok(unknown.isDefault);
    assert.match(unknown.reason, /greenlens.region "narnia" is neither an ISO country code nor a known cloud region/);
    const antarctica = resolveRegion('AQ', 'Europe/Paris');
    assert.ok(antarctica.isDefault);
    assert.match(antarctica.reason, /Antarctica.*no grid figure/);
    assert.strictEqual(resolveRegion('aws:mars-north-1', 'Europe/Paris').isDefault, true);
  });
});

describe('carbonOf', () => {
  it('multiplies energy by PUE and intensity, and returns the inputs used', () => {
    const r = carbonOf(10, { region: 'FR', pue: 1.2 });
    assert.ok(Math.abs(r.kgCO2e - (10 * 1.2 * countries.FRA.g!) / 1000) < 1e-12);
    assert.deepStrictEqual([r.energyKWh, r.facilityEnergyKWh, r.pue, r.pueIsDefault, r.usedDefault, r.region.code], [10, 12, 1.2, false, false, 'FR']);
    assert.deepStrictEqual(r.notes, []);
  });

  it('uses PUE 1.0 by default and says when the world average stood in', () => {
    const r = carbonOf(2, { timeZone: 'Etc/UTC' });
    assert.strictEqual(r.pue, DEFAULT_PUE);
    assert.ok(r.pueIsDefault);
    assert.ok(r.usedDefault);
    assert.strictEqual(r.kgCO2e, 0.95);
    assert.match(r.notes.join(' '), /says nothing about the country/);
  });

  it('rejects implausible PUE settings with a note, and negative energy', () => {
    assert.deepStrictEqual(pueOf(1.58), { pue: 1.58, isDefault: false });
    assert.strictEqual(pueOf('1.1').pue, 1.1);
    for (const bad of [0.5, 12, 'high', NaN]) {
      const p = pueOf(bad);
      assert.strictEqual(p.pue, 1);
      assert.match(p.note!, /not a PUE between 1 and 3/);
    }
    assert.match(carbonOf(1, { region: 'FR', pue: 0.2 }).notes[0], /greenlens.pue/);
    assert.throws(() => carbonOf(-1, { region: 'FR' }), RangeError);
  });
});

describe('greenerRegions', () => {
  it('lists lower-intensity regions with region-specific figures, lowest first, one per grid', () => {
    const options = greenerRegions(10, { region: 'DE', pue: 1.1 }, 3);
    assert.strictEqual(options.length, 3);
    const de = carbonOf(10, { region: 'DE', pue: 1.1 });
    let previous = 0;
    const grids = new Set<string>();
    for (const o of options) {
      assert.ok(o.region.gPerKWh < de.gPerKWh && o.region.gPerKWh >= previous);
      assert.notStrictEqual(o.region.figureBasis, 'country');
      assert.ok(Math.abs(o.kgCO2e - (10 * 1.1 * o.region.gPerKWh) / 1000) < 1e-12);
      assert.ok(Math.abs(o.savedKg - (de.kgCO2e - o.kgCO2e)) < 1e-12);
      const grid = o.region.sameGridAs ?? o.region.code;
      assert.ok(!grids.has(grid));
      grids.add(grid);
      previous = o.region.gPerKWh;
    }
    assert.strictEqual(options[0].region.code, 'gcp:northamerica-northeast1');
    assert.ok(options[0].savedPercent > 99);
  });

  it('stays with the provider of a cloud region, and lists nothing from the greenest one', () => {
    const fromAws = greenerRegions(1, { region: 'aws:us-east-1' });
    assert.ok(fromAws.length > 0 && fromAws.every((o) => o.region.provider === 'aws'));
    assert.deepStrictEqual(greenerRegions(1, { region: 'gcp:northamerica-northeast1' }), []);
  });
});
