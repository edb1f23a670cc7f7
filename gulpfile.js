// Copies what tsc does not: node icons and codex files, next to the compiled nodes and credentials.
const { src, dest, task, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json'], { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialAssets() {
	return src('credentials/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/credentials'));
}

task('build:assets', parallel(copyNodeAssets, copyCredentialAssets));
