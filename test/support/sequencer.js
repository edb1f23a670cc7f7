/**
 * Jest's own order (failed files first, then the slowest of the last run, then the largest), except that the
 * slowest end-to-end files start first even without a last run (a fresh clone: jest's timing cache is empty
 * and the largest file is not the slowest). With two e2e workers the run ends soon after its longest file, so
 * the longest files go first (measured, one at a time: each ≈ 4 min; every other file ≤ 2 min).
 */
const Sequencer = require('@jest/test-sequencer').default;

const SLOWEST_FIRST = ['test/e2e/examples.e2e.test.ts', 'test/e2e/certificateTrigger.e2e.test.ts', 'test/e2e/arcaReliability.e2e.test.ts'];

class SlowestFirstSequencer extends Sequencer {
	sort(tests) {
		const sorted = super.sort(tests);
		const rank = (test) => {
			const index = SLOWEST_FIRST.findIndex((file) => test.path.endsWith(file));
			return index < 0 ? SLOWEST_FIRST.length : index;
		};
		// Array.prototype.sort is stable: jest's order is kept among the files not listed.
		return [...sorted].sort((a, b) => rank(a) - rank(b));
	}
}

module.exports = SlowestFirstSequencer;
