/**
 * Summarises V8 .cpuprofile files (from --cpu-prof): self time per function (name, file:line), the top N, and
 * `--window=<text>`: only the samples from the first to the last whose stack has a frame from a file whose
 * path or function name contains <text> (e.g. channelData: ssh2 sending the upload), so n8n's start and end are left out. Bench-only tool.
 *   node .build/bench/cpuProfileTop.js <file.cpuprofile>... [--top=20] [--window=ssh2]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
	id: number;
	children?: number[];
	callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

const windowText = process.argv.find((a) => a.startsWith('--window='))?.slice(9);
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 20);
for (const file of process.argv.slice(2).filter((a) => !a.startsWith('--'))) {
	const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const self = new Map<string, number>();
	let from = 0;
	let to = p.samples.length - 1;
	if (windowText) {
		const parent = new Map<number, number>();
		for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
		const inStack = (id: number | undefined): boolean =>
			id !== undefined &&
			(`${byId.get(id)!.callFrame.url} ${byId.get(id)!.callFrame.functionName}`.includes(windowText) || inStack(parent.get(id)));
		const hits = p.samples.map((id, i) => (inStack(id) ? i : -1)).filter((i) => i >= 0);
		from = hits[0] ?? 0;
		to = hits.at(-1) ?? to;
	}
	let total = 0;
	for (let i = from; i <= to; i++) total += (p.timeDeltas[i] ?? 0) / 1000;
	for (let i = from; i <= to; i++) {
		const n = byId.get(p.samples[i])!;
		const f = n.callFrame;
		const key =
			`${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '')}:${f.lineNumber + 1}` : ''}`.trim();
		self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
	}
	console.log(`${path.basename(file)}: ${total.toFixed(0)} ms${windowText ? ` (window of ${windowText})` : ''} profiled`);
	for (const [k, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
		console.log(`  ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
