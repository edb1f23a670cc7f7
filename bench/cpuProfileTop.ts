/**
 * Summarises V8 .cpuprofile files (from --cpu-prof): self time per function (name, file:line), the top N, and
 * the time by category (idle, GC, program, the rest). Bench-only tool.
 *   node .build/bench/cpuProfileTop.js <file.cpuprofile>... [--top=20]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 20);
for (const file of process.argv.slice(2).filter((a) => !a.startsWith('--'))) {
	const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const self = new Map<string, number>();
	for (let i = 0; i < p.samples.length; i++) {
		const n = byId.get(p.samples[i])!;
		const f = n.callFrame;
		const key =
			`${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '')}:${f.lineNumber + 1}` : ''}`.trim();
		self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
	}
	const total = (p.endTime - p.startTime) / 1000;
	console.log(`${path.basename(file)}: ${total.toFixed(0)} ms profiled`);
	for (const [k, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
		console.log(`  ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
