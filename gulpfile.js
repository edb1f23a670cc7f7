// Copies what tsc does not: the icons (one folder, dist/icons, referenced as file:../../icons/… by the nodes and
// file:../icons/… by the credentials) and the codex files next to the compiled nodes.
const { src, dest, task, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.node.json'], { encoding: false }).pipe(dest('dist/nodes'));
}

function copyIcons() {
	return src('icons/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

task('build:assets', parallel(copyNodeAssets, copyIcons));
