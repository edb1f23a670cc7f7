/** Shared helpers of the benchmarks: statistics, child processes that never block the event loop, machine info. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Spread {
	median: number;
	min: number;
	max: number;
	n: number;
}

export function spread(values: number[]): Spread {
	if (values.length === 0) throw new Error('no samples');
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export function fmt(s: Spread, digits = 0, unit = ''): string {
	return `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

export const SMOKE = process.env.BENCH_SMOKE === '1';

/** Runs a command, collecting its output while it runs (its pipes can never fill up and stall it). */
export async function run(
	command: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; onSpawn?: (pid: number) => void } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
	return await new Promise((resolve, reject) => {
		const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		child.on('error', reject);
		child.stdin.on('error', () => undefined); // a child that exits without reading its stdin (EPIPE)
		if (child.pid && options.onSpawn) options.onSpawn(child.pid);
		child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
		child.stdin.end(options.input ?? '');
	});
}

export async function runOk(command: string, args: string[], options: Parameters<typeof run>[2] = {}) {
	const result = await run(command, args, options);
	if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr.slice(-2000)}`);
	return result;
}

/** VmHWM / VmRSS of a process in MiB (0 when it is gone). */
export function memoryOf(pid: number | 'self'): { hwm: number; rss: number } {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
		return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
	} catch {
		return { hwm: 0, rss: 0 };
	}
}

export function machine(n8nVersion?: string) {
	return {
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model,
		memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		benchNode: process.version,
		n8nVersion,
		kernel: os.release(),
		loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
		date: new Date().toISOString(),
	};
}

export const hrms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
