// Mocha's spec reporter, plus the final counts written as JSON to $GREENLENS_MOCHA_COUNTS,
// so scripts/test.js can add them up without parsing human-readable output.
'use strict';
const fs = require('fs');
const Mocha = require('mocha');

class CountingSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const out = process.env.GREENLENS_MOCHA_COUNTS;
      const { passes, failures, pending, tests } = this.stats;
      if (out) fs.writeFileSync(out, JSON.stringify({ passes, failures, pending, tests }) + '\n');
    });
  }
}

module.exports = CountingSpec;
