#!/usr/bin/env node
// Builds src/core/knowledge/cpuPower.json, the project's own compact CPU TDP table,
// from CodeCarbon's cpu_power.csv (mlco2/codecarbon, MIT License). Only the two columns the
// meter needs are kept (model name, TDP in watts). Rows whose TDP is not a number are dropped,
// names have their odd characters (no-break and zero-width spaces, ® and ™) cleaned, and a name listed
// twice with different TDPs keeps the higher figure so an estimate never undercounts.
//
// Usage: node scripts/build-cpu-power-table.js [path/to/cpu_power.csv]
// (default: /work/shared/data/reference/cpu_power.csv, see its PROVENANCE.md).
'use strict';
const fs = require('fs');
const path = require('path');

const input = process.argv[2] ?? '/work/shared/data/reference/cpu_power.csv';
const output = path.join(__dirname, '..', 'src', 'core', 'knowledge', 'cpuPower.json');

/** Splits one CSV line, honouring double-quoted fields (names may contain commas). */
function splitCsvLine(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

const lines = fs.readFileSync(input, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
const header = splitCsvLine(lines[0]).map((h) => h.trim());
const nameAt = header.indexOf('Name');
const tdpAt = header.indexOf('TDP');
if (nameAt < 0 || tdpAt < 0) throw new Error(`${input}: expected columns Name and TDP, got ${header.join(', ')}`);

const byKey = new Map();
const dropped = [];
for (const line of lines.slice(1)) {
  const fields = splitCsvLine(line);
  const name = (fields[nameAt] ?? '').replace(/[\u200b\u200c\u200d\ufeff®™]/g, '').replace(/\s+/g, ' ').trim();
  const tdpText = (fields[tdpAt] ?? '').trim();
  const tdp = /^\d+(\.\d+)?$/.test(tdpText) ? Number(tdpText) : NaN;
  if (!name || !(tdp > 0)) {
    dropped.push(line);
    continue;
  }
  const key = name.toLowerCase();
  const seen = byKey.get(key);
  if (!seen || seen[1] < tdp) byKey.set(key, [seen ? seen[0] : name, tdp]);
}

const rows = [...byKey.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const head = {
  source: 'CodeCarbon cpu_power.csv',
  origin: 'mlco2/codecarbon, codecarbon/data/hardware/cpu_power.csv, commit b05965e4',
  license: 'MIT License, Copyright (c) 2020 [BCG GAMMA], Comet.ml, Haverford College, MILA, Stanford',
  generatedBy: 'scripts/build-cpu-power-table.js',
  columns: ['name', 'tdpW'],
};
// One row per line keeps the file reviewable in diffs.
const text =
  JSON.stringify(head, null, 2).replace(/\n}$/, ',\n  "rows": [\n') +
  rows.map((r) => '    ' + JSON.stringify(r)).join(',\n') +
  '\n  ]\n}\n';
fs.writeFileSync(output, text);
console.log(`${path.relative(process.cwd(), output)}: ${rows.length} CPU models (${dropped.length} rows dropped: ${dropped.join(' | ')})`);
