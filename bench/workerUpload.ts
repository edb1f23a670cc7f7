/**
 * Bench-only experiment (issue #23 item 3): the Firmador node's upload on n8n's main thread (the package as
 * published) against the same upload in a worker_thread (bench/workerUploadPatch.ts, patched into this
 * run's installed copy only), in the same n8n, paired rounds, order alternated. The workflow is B2's:
 * Read Files (one big file) → Document → Sign without waiting; time = the node's execution time minus the
 * simulator's work on the POST. Every upload is checked (the node's SHA-1 and size, the file on the server).
 * CERTSIGN_BENCH_WORKER_STUB=0: the worker loads n8n's real n8n-workflow (found through NODE_PATH) instead of a stub.
 * BENCH_PROF=<dir>: one more run of each with `--cpu-prof` on the n8n process (and its worker).
 *   node .build/bench/workerUpload.js [MiB=256] [rounds=3]
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

import { runOk, spread } from './lib';
import { bigFile } from './micro';
import { clearRemote, executeMeasured, setupN8n, signWorkflow, type BenchEnv } from './n8nBench';

type Variant = 'main' | 'worker';

async function once(env: BenchEnv, wfId: string, variant: Variant, sizeMiB: number, expected: string, extra: Record<string, string> = {}) {
	clearRemote(env);
	const before = env.sim.control.requests().length;
	const result = await executeMeasured(env, wfId, {
		CERTSIGN_BENCH_SFTP_WORKER: variant === 'worker' ? '1' : '0',
		CERTSIGN_BENCH_WORKER_STUB: process.env.CERTSIGN_BENCH_WORKER_STUB ?? '1',
		...extra,
	});
	if (!result.ok) throw new Error(`${variant}: ${result.error}`);
	const [out] = result.items.Sign;
	const remote = path.join(env.uploadFolder, 'big.pdf');
	const remoteHash = (await runOk('sha1sum', [remote])).stdout.split(' ')[0].toUpperCase();
	if (out.size !== sizeMiB * 1024 * 1024 || out.hash !== expected || remoteHash !== expected || statSync(remote).size !== out.size)
		throw new Error(`${variant}: node says ${out.size} B ${out.hash}, server has ${remoteHash}; expected ${expected}`);
	const post = env.sim.control
		.requests()
		.slice(before)
		.find((r) => r.method === 'POST');
	if (post?.status !== 200) throw new Error(`${variant}: the signing request failed`);
	return { uploadMs: result.nodeMs.Sign - (post.handledMs ?? 0), peak: result.peakRssMiB };
}

async function main(sizeMiB: number, rounds: number) {
	const env = await setupN8n();
	const big = bigFile(sizeMiB);
	const dir = path.join(env.dataDir, 'worker-exp');
	try {
		const transport = path.join(
			env.n8n.userFolder,
			'.n8n',
			'nodes',
			'node_modules',
			'n8n-nodes-certsign',
			'dist',
			'nodes',
			'Firmador',
			'transport',
		);
		if (!existsSync(path.join(transport, 'sftp.js'))) throw new Error(`no installed sftp.js in ${transport}`);
		copyFileSync(path.join(__dirname, 'workerUploadPatch.js'), path.join(transport, 'workerUploadPatch.js'));
		appendFileSync(
			path.join(transport, 'sftp.js'),
			"\nif (process.env.CERTSIGN_BENCH_SFTP_WORKER === '1' && require('node:worker_threads').isMainThread) require('./workerUploadPatch.js').install(module.exports);\n",
		);
		mkdirSync(dir, { recursive: true });
		await runOk('mv', [big, path.join(dir, 'big.pdf')]);
		const expected = (await runOk('sha1sum', [path.join(dir, 'big.pdf')])).stdout.split(' ')[0].toUpperCase();
		const wf = signWorkflow('benchWorkerExp', dir, { batch: false, wait: false });
		await env.n8n.importWorkflows([wf]);
		const ms: Record<Variant, number[]> = { main: [], worker: [] };
		const ratio: number[] = [];
		for (let round = 0; round < rounds; round++) {
			const order: Variant[] = round % 2 === 0 ? ['main', 'worker'] : ['worker', 'main'];
			for (const v of order) ms[v].push((await once(env, wf.id, v, sizeMiB, expected)).uploadMs);
			ratio.push(ms.main.at(-1)! / ms.worker.at(-1)!);
			console.log(
				`round ${round + 1} (${order.join(', ')}): main thread ${ms.main.at(-1)!.toFixed(0)} ms = ${(sizeMiB / (ms.main.at(-1)! / 1000)).toFixed(0)} MiB/s, worker ${ms.worker.at(-1)!.toFixed(0)} ms = ${(sizeMiB / (ms.worker.at(-1)! / 1000)).toFixed(0)} MiB/s, speed worker/main ${ratio.at(-1)!.toFixed(2)}`,
			);
		}
		for (const v of ['main', 'worker'] as const) {
			const s = spread(ms[v]);
			console.log(
				`${v}: ${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)}) = ${(sizeMiB / (s.median / 1000)).toFixed(0)} MiB/s`,
			);
		}
		const r = spread(ratio);
		console.log(`speed worker/main (paired): ${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})`);
		const prof = process.env.BENCH_PROF;
		if (prof) {
			mkdirSync(prof, { recursive: true });
			for (const v of ['main', 'worker'] as const) {
				const out = await once(env, wf.id, v, sizeMiB, expected, {
					NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.join(prof, v)}`,
				});
				console.log(`profiled ${v}: ${out.uploadMs.toFixed(0)} ms (profiling on)`);
			}
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
		rmSync(path.dirname(big), { recursive: true, force: true });
		await env.close();
	}
}

main(Number(process.argv[2] ?? 256), Number(process.argv[3] ?? 3)).catch((error) => {
	console.error(error);
	process.exit(1);
});
