/** Six projects: pure unit tests, integration (simulators + real OpenSSH), end to end (a real n8n), queue mode (n8n main + worker, Redis, PostgreSQL), other n8n versions (core workflows), browser (Chromium driving a real n8n's editor). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
const common = {
	testEnvironment: 'node',
	setupFiles: ['<rootDir>/test/support/pathGuard.ts'],
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
	// the slowest end-to-end files start first (two e2e workers in the test command)
	testSequencer: '<rootDir>/test/support/sequencer.js',
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
		{ ...common, displayName: 'queue', testMatch: ['<rootDir>/test/e2e-queue/**/*.test.ts'] },
		{ ...common, displayName: 'versions', testMatch: ['<rootDir>/test/e2e-versions/**/*.test.ts'] },
		{ ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
	],
};
