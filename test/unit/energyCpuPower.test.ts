/**
 * The CPU TDP table (built from CodeCarbon's cpu_power.csv) and the
 * estimated CPU power model that uses it when no counter measures the CPU.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { cpuPowerModel, estimatedCpuPowerW, IDLE_FLOOR, WATTS_PER_THREAD } from '../../src/core/energy/sources/cpuModel';
import { BYTES_PER_GB, RAM_WATTS_PER_GB, ramPowerW } from '../../src/core/energy/sources/ramModel';
import { CPU_POWER_SOURCE, lookupCpuTdp, normaliseCpuName } from '../../src/core/knowledge/cpuPower';
import { projectRoot } from '../support/paths';
import * as path from 'path';

const bareMetal = { threads: 32, sockets: 1, virtualMachine: false };

describe('knowledge/cpuPower', () => {
  it('names its source and licence in the table header, and every row has a positive TDP', () => {
    const table = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'src/core/knowledge/cpuPower.json'), 'utf8'));
    assert.strictEqual(CPU_POWER_SOURCE, 'CodeCarbon cpu_power.csv');
    assert.match(table.license, /^MIT/);
    assert.deepStrictEqual(table.columns, ['name', 'tdpW']);
    assert.ok(table.rows.length > 4000);
    for (const [name, tdp] of table.rows) assert.ok(typeof name === 'string' && name.trim() === name && tdp > 0, `${name}: ${tdp}`);
  });

  it('normalises /proc/cpuinfo spellings to the table names', () => {
    assert.strictEqual(normaliseCpuName('Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz'), 'intel xeon e5-2686 v4');
    assert.strictEqual(normaliseCpuName('AMD EPYC 7B12 64-Core Processor'), 'amd epyc 7b12');
    assert.strictEqual(normaliseCpuName('11th Gen Intel(R) Core(TM) i7-1185G7 @ 3.00GHz'), 'intel core i7-1185g7');
    assert.strictEqual(normaliseCpuName('AMD Ryzen 7 4800H with Radeon Graphics'), 'amd ryzen 7 4800h');
    assert.strictEqual(normaliseCpuName('Intel® Core™ i9-13900K'), 'intel core i9-13900k');
  });

  const known: [string, string, number][] = [
    ['Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz', 'Intel Xeon E5-2686 v4', 145],
    ['Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz', 'Intel Xeon Platinum 8259CL', 210],
    ['Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz', 'Intel Xeon Gold 6130', 125],
    ['AMD EPYC 7B12 64-Core Processor', 'AMD EPYC 7B12', 240],
    ['AMD EPYC 7763 64-Core Processor', 'AMD EPYC 7763', 280],
    ['AMD Ryzen 9 5950X 16-Core Processor', 'AMD Ryzen 9 5950X', 105],
    ['Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz', 'Intel Core i7-8565U', 15],
    ['13th Gen Intel(R) Core(TM) i9-13900K', 'Intel Core i9-13900K', 125],
  ];
  for (const [cpuinfo, name, tdp] of known) {
    it(`finds ${JSON.stringify(cpuinfo)}`, () => {
      const hit = lookupCpuTdp(cpuinfo);
      assert.ok(hit, 'not found');
      assert.strictEqual(hit.name, name);
      assert.strictEqual(hit.tdpW, tdp);
    });
  }

  it('matches a name with extra words to the most specific row with the same model number', () => {
    const hit = lookupCpuTdp('Intel(R) Xeon(R) Gold 6130 Server Edition CPU @ 2.10GHz');
    assert.ok(hit);
    assert.strictEqual(hit.name, 'Intel Xeon Gold 6130');
    assert.strictEqual(hit.match, 'closest');
  });

  it('does not guess a model from a generic name or a different model number', () => {
    assert.strictEqual(lookupCpuTdp('Intel(R) Xeon(R) CPU @ 2.20GHz'), undefined, 'GCP hides the model');
    assert.strictEqual(lookupCpuTdp('AMD EPYC'), undefined, 'this machine');
    assert.strictEqual(lookupCpuTdp('AMD EPYC 9999Z 512-Core Processor'), undefined);
    assert.strictEqual(lookupCpuTdp('Intel(R) Xeon(R) CPU E5-2686 v9 @ 2.30GHz'), undefined, 'v4 is not v9');
    assert.strictEqual(lookupCpuTdp(''), undefined);
  });
});

describe('energy/sources/cpuModel', () => {
  it('uses the TDP of a known model, per socket, with the 10% idle floor', () => {
    const m = cpuPowerModel({ modelName: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz', ...bareMetal, sockets: 2 });
    assert.strictEqual(m.maxW, 250);
    assert.strictEqual(m.idleW, 25);
    assert.match(m.source, /Intel Xeon Gold 6130 125 W × 2 sockets \(CodeCarbon cpu_power\.csv\)/);
    assert.strictEqual(IDLE_FLOOR, 0.1);
    assert.strictEqual(estimatedCpuPowerW(m, 0), 25);
    assert.strictEqual(estimatedCpuPowerW(m, 1), 250);
    assert.strictEqual(estimatedCpuPowerW(m, 0.5), 137.5);
    assert.strictEqual(estimatedCpuPowerW(m, 7), 250, 'utilisation is clamped');
  });

  it('falls back to 4 W per thread for an unknown CPU, and says why', () => {
    const m = cpuPowerModel({ modelName: 'AMD EPYC', threads: 2, sockets: 1, virtualMachine: true });
    assert.strictEqual(WATTS_PER_THREAD, 4);
    assert.strictEqual(m.maxW, 8);
    assert.match(m.source, /2 threads × 4 W \(CPU "AMD EPYC" is not in CodeCarbon cpu_power\.csv\)/);
    assert.strictEqual(cpuPowerModel({ modelName: '', threads: 3, sockets: 1, virtualMachine: false }).maxW, 12);
  });

  it('charges a virtual machine per vCPU, capped at the host CPU TDP', () => {
    const small = cpuPowerModel({ modelName: 'AMD EPYC 7763 64-Core Processor', threads: 2, sockets: 1, virtualMachine: true });
    assert.strictEqual(small.maxW, 8);
    assert.match(small.source, /2 vCPUs × 4 W .*AMD EPYC 7763 280 W/);
    const huge = cpuPowerModel({ modelName: 'AMD EPYC 7763 64-Core Processor', threads: 128, sockets: 1, virtualMachine: true });
    assert.strictEqual(huge.maxW, 280);
  });

  it('takes a configured TDP over the table', () => {
    assert.strictEqual(cpuPowerModel({ modelName: 'AMD EPYC', ...bareMetal }, 95).maxW, 95);
  });
});

describe('energy/sources/ramModel', () => {
  it('charges 0.375 W per GB', () => {
    assert.strictEqual(RAM_WATTS_PER_GB, 0.375);
    assert.strictEqual(ramPowerW(16 * BYTES_PER_GB), 6);
  });
});
