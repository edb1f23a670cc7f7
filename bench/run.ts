/**
 * `npm run bench` (full) and `npm run bench:smoke` (BENCH_SMOKE=1: small sizes, one or two rounds, the same
 * code paths and checks). Sets up what it needs (simulators, an OpenSSH sftp server, the real n8n of the test
 * suite), runs every benchmark, writes bench/results.json and bench/results.md (the smoke writes
 * bench/results-smoke.*). Any failed check exits non-zero.
 *   BENCH_ONLY=B1,B2,...   run only these (B1 B2 B3 B4 B5 B6 B7 B8 B9 SFTP)
 *   BENCH_MERGE=1          with BENCH_ONLY: put these results into bench/results.json/.md
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { N8N_VERSIONS, type WorkflowJson } from '../test/support/n8n';
import { builtinWorkflow, ftpUploadNode } from './builtinWorkflow';
import { machine, runOk, SMOKE, spread, type Spread } from './lib';
import { benchB3, benchB4, benchB5B7, benchB6, bigFile } from './micro';
import {
	BATCH_SIZE,
	clearRemote,
	CUIL,
	CUIT,
	executeMeasured,
	floorRun,
	makePdfs,
	opensshPut,
	POLL_SECONDS,
	setupN8n,
	signWorkflow,
	type BenchEnv,
} from './n8nBench';
import { benchSftpUpload } from './sftpUpload';
import { benchB9 } from './ticketReuseBench';
import { benchB8 } from './verifyBench';

const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const wanted = (id: string) => only.length === 0 || only.includes(id);
const log = (line: string) => console.log(line);

const S = SMOKE
	? {
			b6: [2, 500],
			b3MiB: 16,
			b3Rounds: 2,
			b4: [20],
			b5Orders: 1200,
			sftpSizes: [1, 4],
			sftpRounds: 2,
			// B2: [MiB, rounds, with n8n's FTP node]
			b2: [[4, 1, true]] as Array<[number, number, boolean]>,
			b1Sizes: [5],
			b1bSizes: [5],
			b1Rounds: 1,
			b8Sizes: [5],
			b8Rounds: 1,
			b9Executions: 20,
			b9Concurrency: 10,
		}
	: {
			b6: [7, 20_000],
			b3MiB: 1024,
			b3Rounds: 5,
			b4: [100, 1000, 10_000],
			b5Orders: 10_000,
			sftpSizes: [1, 8, 64, 256],
			sftpRounds: 7,
			// n8n's FTP node moves ≈ 2 MiB/s: beside it at 256 MiB (≈ 2 min a round), the package and OpenSSH also at 1 GiB.
			b2: [
				[256, 3, true],
				[1024, 3, false],
			] as Array<[number, number, boolean]>,
			b1Sizes: [10, 100, 1000],
			b1bSizes: [10, 100, 1000],
			b1Rounds: 3,
			b8Sizes: [100, 1000],
			b8Rounds: 3,
			b9Executions: 100,
			b9Concurrency: 10,
		};

function check(condition: unknown, message: string) {
	if (!condition) throw new Error(`check failed: ${message}`);
}

interface B1Row {
	docs: number;
	variant: 'batch' | 'perItem' | 'floor' | 'builtin';
	rounds: number;
	ms: Spread;
	msPerDoc: number;
	peakRssMiB?: Spread;
	uploadMs?: Spread;
	/** This variant's time / the package's batch time, paired per round. */
	overBatch?: Spread;
}

type B1Variant = B1Row['variant'];

async function benchB1(env: BenchEnv): Promise<B1Row[]> {
	const rows: B1Row[] = [];
	for (const docs of S.b1Sizes) {
		const { dir, files } = makePdfs(env, docs, 100 * 1024);
		const workflows = {
			batch: signWorkflow(`benchB1batch${docs}`, dir, { batch: true, wait: true }),
			perItem: signWorkflow(`benchB1item${docs}`, dir, { batch: false, wait: true }),
			builtin: builtinWorkflow(`benchB1builtin${docs}`, dir, {
				baseUrl: env.sim.url,
				uploadFolder: env.uploadFolder,
				cuil: CUIL,
				cuit: CUIT,
				batchSize: BATCH_SIZE,
			}),
		};
		await env.n8n.importWorkflows(Object.values(workflows));
		const variants: B1Variant[] = ['batch', 'floor', 'perItem', ...(S.b1bSizes.includes(docs) ? (['builtin'] as const) : [])];
		const samples = Object.fromEntries(
			variants.map((v) => [v, { ms: [] as number[], rss: [] as number[], upload: [] as number[] }]),
		) as Record<B1Variant, { ms: number[]; rss: number[]; upload: number[] }>;
		for (let round = 0; round < S.b1Rounds; round++) {
			// (b) took about 0.3 s per document at 100: one round of it at 1,000.
			const order = variants.filter((v) => v !== 'builtin' || docs < 1000 || round === 0);
			for (let k = 0; k < round % order.length; k++) order.push(order.shift()!);
			for (const variant of order) {
				clearRemote(env);
				const before = env.sim.control.requests().length;
				if (variant === 'floor') {
					const floor = await floorRun(env, files);
					samples.floor.ms.push(floor.ms);
					samples.floor.upload.push(floor.uploadMs);
				} else if (variant === 'builtin') {
					const result = await executeMeasured(env, workflows.builtin.id);
					if (!result.ok)
						log(
							`  simulator saw: ${JSON.stringify(
								env.sim.control
									.requests()
									.slice(before)
									.slice(-3)
									.map((r) => ({
										method: r.method,
										url: r.url.slice(0, 80),
										status: r.status,
										reason: r.reason,
										body: r.body.slice(0, 200),
									})),
							)}`,
						);
					check(result.ok, `B1 builtin ${docs}: ${result.error}`);
					const last = result.items.Check?.at(-1);
					check(
						last?.done === true && last.sessions === Math.ceil(docs / BATCH_SIZE),
						`B1 builtin ${docs}: not all signed: ${JSON.stringify(last)}`,
					);
					// Every node's own time but the trigger and Read Files (the package's variants are timed from their own node on).
					samples.builtin.ms.push(
						Object.entries(result.nodeMs)
							.filter(([name]) => name !== 'Start' && name !== 'Read Files')
							.reduce((sum, [, v]) => sum + v, 0),
					);
					samples.builtin.rss.push(result.peakRssMiB);
				} else {
					const result = await executeMeasured(env, workflows[variant].id);
					check(result.ok, `B1 ${variant} ${docs}: ${result.error}`);
					const out = result.items.Sign ?? [];
					check(
						out.length === docs && out.every((i) => i.status === 'signed'),
						`B1 ${variant} ${docs}: ${out.length} items, not all signed`,
					);
					samples[variant].ms.push(result.nodeMs.Sign);
					samples[variant].rss.push(result.peakRssMiB);
				}
				const posts = env.sim.control
					.requests()
					.slice(before)
					.filter((r) => r.method === 'POST');
				const expectedPosts = variant === 'perItem' ? docs : Math.ceil(docs / BATCH_SIZE);
				check(
					posts.length === expectedPosts && posts.every((r) => r.status === 200),
					`B1 ${variant} ${docs}: ${posts.length} POSTs, expected ${expectedPosts}`,
				);
			}
		}
		for (const variant of variants) {
			const ms = spread(samples[variant].ms);
			const row: B1Row = { docs, variant, rounds: S.b1Rounds, ms, msPerDoc: ms.median / docs };
			if (samples[variant].rss.length) row.peakRssMiB = spread(samples[variant].rss);
			if (samples[variant].upload.length) row.uploadMs = spread(samples[variant].upload);
			const rounds = samples[variant].ms.length;
			row.rounds = rounds;
			if (variant !== 'batch') row.overBatch = spread(samples[variant].ms.map((v, i) => v / samples.batch.ms[i]));
			log(
				`  B1 ${docs} docs ${variant}: ${ms.median.toFixed(0)} ms (${ms.min.toFixed(0)}–${ms.max.toFixed(0)}), ${row.msPerDoc.toFixed(1)} ms/doc${row.peakRssMiB ? `, n8n peak RSS ${row.peakRssMiB.median.toFixed(0)} MiB` : ''}${row.overBatch ? `, ${row.overBatch.median.toFixed(2)}× the batch time` : ''}`,
			);
			rows.push(row);
		}
		rmSync(dir, { recursive: true, force: true });
	}
	return rows;
}

type B2Variant = 'package' | 'openssh' | 'ftp';

export interface B2Result {
	sizeMiB: number;
	rounds: number;
	nodeStepMs: Spread;
	simulatorPostMs: Spread;
	nodeUploadMs: Spread;
	opensshMs: Spread;
	/** OpenSSH time / node upload time, paired per round */
	throughputRatio: Spread;
	nodeMiBs: number;
	opensshMiBs: number;
	/** n8n's FTP node (SFTP upload) in the same rounds: its own execution time as n8n records it */
	ftpMs?: Spread;
	ftpMiBs?: number;
	/** FTP node time / node upload time, paired per round: how many times longer n8n's FTP node took */
	ftpOverNode?: Spread;
	/** OpenSSH time / FTP node time, paired per round (its throughput as a fraction of OpenSSH's) */
	ftpThroughputRatio?: Spread;
	ftpPeakRssMiB?: Spread;
	peakRssMiB: Spread;
	idlePeakRssMiB: Spread;
	rssGrowthMiB: number;
}

/** Read Files (the big file) → n8n's FTP node, protocol SFTP, upload of the binary data to `remotePath`. */
function ftpUploadWorkflow(id: string, dir: string, remotePath: string): WorkflowJson {
	return {
		id,
		name: `bench ${id}`,
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'read',
				name: 'Read Files',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				position: [220, 0],
				parameters: { fileSelector: `${dir}/*.pdf`, options: {} },
			},
			{ ...ftpUploadNode(remotePath), position: [440, 0] },
		],
		connections: {
			Start: { main: [[{ node: 'Read Files', type: 'main', index: 0 }]] },
			'Read Files': { main: [[{ node: 'Upload', type: 'main', index: 0 }]] },
		},
	};
}

async function sha1Of(file: string): Promise<string> {
	return (await runOk('sha1sum', [file])).stdout.split(' ')[0].toUpperCase();
}

async function benchB2(env: BenchEnv, sizeMiB: number, rounds: number, withFtp: boolean): Promise<B2Result> {
	const big = bigFile(sizeMiB);
	const small = makePdfs(env, 1, 1024 * 1024);
	const bigDir = path.join(env.dataDir, `b2-${sizeMiB}`);
	try {
		rmSync(bigDir, { recursive: true, force: true });
		await runOk('mkdir', ['-p', bigDir]);
		await runOk('mv', [big, path.join(bigDir, 'big.pdf')]);
		rmSync(path.dirname(big), { recursive: true, force: true });
		const bigFileIn = path.join(bigDir, 'big.pdf');
		const expected = await sha1Of(bigFileIn);
		const bigWf = signWorkflow(`benchB2big${sizeMiB}`, bigDir, { batch: false, wait: false });
		const idleWf = signWorkflow(`benchB2idle${sizeMiB}`, small.dir, { batch: false, wait: false });
		const ftpWf = ftpUploadWorkflow(`benchB2ftp${sizeMiB}`, bigDir, path.join(env.uploadFolder, 'ftp-node.pdf'));
		await env.n8n.importWorkflows(withFtp ? [bigWf, idleWf, ftpWf] : [bigWf, idleWf]);
		const step: number[] = [];
		const post: number[] = [];
		const upload: number[] = [];
		const openssh: number[] = [];
		const ratio: number[] = [];
		const peak: number[] = [];
		const idle: number[] = [];
		const ftp: number[] = [];
		const ftpPeak: number[] = [];
		const checkRemote = async (variant: string, remote: string) => {
			const size = statSync(remote).size;
			const hash = await sha1Of(remote);
			check(
				size === sizeMiB * 1024 * 1024 && hash === expected,
				`B2 ${variant}: the server has ${size} bytes, SHA-1 ${hash} (expected ${expected})`,
			);
		};
		for (let round = 0; round < rounds; round++) {
			clearRemote(env);
			const idleRun = await executeMeasured(env, idleWf.id);
			check(idleRun.ok, `B2 idle: ${idleRun.error}`);
			idle.push(idleRun.peakRssMiB);
			const order: B2Variant[] = withFtp ? ['package', 'openssh', 'ftp'] : ['package', 'openssh'];
			for (let k = 0; k < round % order.length; k++) order.push(order.shift()!);
			for (const variant of order) {
				clearRemote(env);
				if (variant === 'package') {
					const before = env.sim.control.requests().length;
					const result = await executeMeasured(env, bigWf.id);
					check(result.ok, `B2: ${result.error}`);
					const [out] = result.items.Sign;
					check(
						out.size === sizeMiB * 1024 * 1024 && out.hash === expected,
						`B2: uploaded ${out.size} bytes, hash ${out.hash} (expected ${expected})`,
					);
					const postEntry = env.sim.control
						.requests()
						.slice(before)
						.find((r) => r.method === 'POST');
					check(postEntry?.status === 200, 'B2: the signing request failed');
					await checkRemote('package', path.join(env.uploadFolder, 'big.pdf'));
					step.push(result.nodeMs.Sign);
					post.push(postEntry!.handledMs ?? 0);
					upload.push(result.nodeMs.Sign - (postEntry!.handledMs ?? 0));
					peak.push(result.peakRssMiB);
				} else if (variant === 'openssh') {
					openssh.push(await opensshPut(env, bigFileIn, 'openssh.pdf'));
					await checkRemote('OpenSSH', path.join(env.uploadFolder, 'openssh.pdf'));
				} else {
					const result = await executeMeasured(env, ftpWf.id);
					check(result.ok, `B2 FTP node: ${result.error}`);
					await checkRemote('FTP node', path.join(env.uploadFolder, 'ftp-node.pdf'));
					ftp.push(result.nodeMs.Upload);
					ftpPeak.push(result.peakRssMiB);
				}
			}
			ratio.push(openssh.at(-1)! / upload.at(-1)!);
			log(
				`  B2 ${sizeMiB} MiB round ${round + 1} (${order.join(', ')}): node step ${step.at(-1)!.toFixed(0)} ms (simulator's hash check ${post.at(-1)!.toFixed(0)} ms) → upload ${upload.at(-1)!.toFixed(0)} ms; OpenSSH put ${openssh.at(-1)!.toFixed(0)} ms${withFtp ? `; n8n FTP node (SFTP) ${ftp.at(-1)!.toFixed(0)} ms` : ''}; n8n peak RSS ${peak.at(-1)!.toFixed(0)} MiB (1 MiB run: ${idle.at(-1)!.toFixed(0)} MiB)`,
			);
		}
		clearRemote(env);
		const nodeUploadMs = spread(upload);
		const opensshMs = spread(openssh);
		const peakRssMiB = spread(peak);
		const idlePeakRssMiB = spread(idle);
		const result: B2Result = {
			sizeMiB,
			rounds,
			nodeStepMs: spread(step),
			simulatorPostMs: spread(post),
			nodeUploadMs,
			opensshMs,
			throughputRatio: spread(ratio),
			nodeMiBs: sizeMiB / (nodeUploadMs.median / 1000),
			opensshMiBs: sizeMiB / (opensshMs.median / 1000),
			peakRssMiB,
			idlePeakRssMiB,
			rssGrowthMiB: peakRssMiB.median - idlePeakRssMiB.median,
		};
		if (withFtp) {
			const ftpMs = spread(ftp);
			Object.assign(result, {
				ftpMs,
				ftpMiBs: sizeMiB / (ftpMs.median / 1000),
				ftpOverNode: spread(ftp.map((v, i) => v / upload[i])),
				ftpThroughputRatio: spread(ftp.map((v, i) => openssh[i] / v)),
				ftpPeakRssMiB: spread(ftpPeak),
			});
		}
		return result;
	} finally {
		rmSync(bigDir, { recursive: true, force: true });
		rmSync(path.dirname(big), { recursive: true, force: true });
		rmSync(small.dir, { recursive: true, force: true });
	}
}

async function runB9(n8n: BenchEnv['n8n'] | undefined) {
	log(
		`B9 ${S.b9Executions} webhook executions of Web Service → Call (WSAA ticket) in one n8n server, one at a time and ${S.b9Concurrency} at a time`,
	);
	const b9 = await benchB9(n8n, S.b9Executions, S.b9Concurrency, log);
	for (const row of b9.rows) {
		check(row.failed === 0, `B9 ${row.variant}: ${row.failed} of ${row.executions} executions failed`);
		check(
			row.wsaaLoginRequests === 1,
			`B9 ${row.variant}: WSAA got ${row.wsaaLoginRequests} loginCms requests, expected 1 (faults ${JSON.stringify(row.wsaaFaults)})`,
		);
		check(row.calls === row.executions, `B9 ${row.variant}: ${row.calls} web-service calls, expected ${row.executions}`);
		check(row.staticDataHoldsTicket === true, `B9 ${row.variant}: the static data n8n saved last does not hold the ticket`);
	}
	return b9;
}

async function main() {
	const started = Date.now();
	const results: Record<string, unknown> = {
		smoke: SMOKE,
		machine: machine(N8N_VERSIONS.default),
		settings: { ...S, batchSize: BATCH_SIZE, pollSeconds: POLL_SECONDS },
	};
	if (wanted('B6')) {
		log('B6 HMAC signing overhead');
		const b6 = benchB6(S.b6[0], S.b6[1]);
		log(`  overhead ${b6.overheadUs.median.toFixed(1)} µs (previous encoder ${b6.previousEncoderOverheadUs.median.toFixed(1)} µs)`);
		results.B6 = b6;
	}
	if (wanted('B3')) {
		log(`B3 SHA-1 of ${S.b3MiB} MiB`);
		const file = bigFile(S.b3MiB);
		try {
			const b3 = await benchB3(file, S.b3MiB, S.b3Rounds);
			log(
				`  node ${b3.nodeMiBs.toFixed(0)} MiB/s, sha1sum ${b3.sha1sumMiBs.toFixed(0)} MiB/s, ratio ${b3.throughputRatio.median.toFixed(2)}`,
			);
			results.B3 = b3;
		} finally {
			rmSync(path.dirname(file), { recursive: true, force: true });
		}
	}
	if (wanted('B4')) {
		log('B4 wait for N sessions');
		const b4 = await benchB4(S.b4, log);
		for (const row of b4)
			check(
				row.requestsPerRound === row.expectedPerRound,
				`B4 ${row.sessions}: ${row.requestsPerRound} requests per round, expected ${row.expectedPerRound}`,
			);
		results.B4 = b4;
	}
	if (wanted('B5') || wanted('B7')) {
		log(`B5/B7 DigiCert account of ${S.b5Orders} orders`);
		const { b5, b7 } = await benchB5B7(S.b5Orders, log);
		check(b7.requests === b7.expected, `B7: ${b7.requests} requests, expected ${b7.expected}`);
		results.B5 = b5;
		results.B7 = b7;
	}
	if (wanted('SFTP')) {
		log('SFTP streamed vs buffered upload');
		results.SFTP = await benchSftpUpload(S.sftpSizes, S.sftpRounds, log);
	}
	if (wanted('B1') || wanted('B2') || wanted('B8')) {
		log('Real n8n: installing the package into a fresh n8n user folder');
		const env = await setupN8n();
		try {
			if (wanted('B8')) {
				log(`B8 verify ${S.b8Sizes.join(', ')} signed PDFs of 100 KB (beside pdfsig and openssl cms -verify loops)`);
				const b8 = await benchB8(env, S.b8Sizes, S.b8Rounds, log);
				results.B8 = b8;
			}
			if (wanted('B2')) {
				results.B2 = [];
				for (const [sizeMiB, rounds, withFtp] of S.b2) {
					log(`B2 upload of ${sizeMiB} MiB through n8n${withFtp ? ", beside n8n's FTP node (SFTP)" : ''}`);
					(results.B2 as B2Result[]).push(await benchB2(env, sizeMiB, rounds, withFtp));
				}
			}
			if (wanted('B1')) {
				log(`B1 sign ${S.b1Sizes.join(', ')} PDFs of 100 KB`);
				results.B1 = await benchB1(env);
			}
			// B9 starts this n8n as a server (the runs above are `n8n execute`): the package is installed once.
			if (wanted('B9')) results.B9 = await runB9(env.n8n);
		} finally {
			await env.close();
		}
	} else if (wanted('B9')) {
		log('Real n8n: installing the package into a fresh n8n user folder');
		results.B9 = await runB9(undefined);
	}
	const seconds = Math.round((Date.now() - started) / 1000);
	results.totalSeconds = seconds;
	results.loadAverageAtEnd = (await import('node:os')).loadavg().map((v) => Math.round(v * 100) / 100);
	const base = path.join(__dirname, '..', '..', 'bench', SMOKE ? 'results-smoke' : 'results');
	// BENCH_MERGE=1 with BENCH_ONLY: add these results to the last full run's files.
	const merge = only.length > 0 && process.env.BENCH_MERGE === '1';
	const partial = only.length && !merge ? `-${only.join('-')}` : '';
	if (merge) {
		const previous = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Record<string, unknown>;
		const added = Object.fromEntries(Object.entries(results).filter(([k]) => /^B\d|^SFTP/.test(k)));
		Object.assign(results, {
			...previous,
			...added,
			merged: [
				...((previous.merged as unknown[]) ?? []),
				{
					keys: Object.keys(added),
					machine: results.machine,
					totalSeconds: results.totalSeconds,
					loadAverageAtEnd: results.loadAverageAtEnd,
				},
			],
		});
	}
	writeFileSync(`${base}${partial}.json`, JSON.stringify(results, null, 2) + '\n');
	const { markdown } = await import('./report');
	writeFileSync(`${base}${partial}.md`, markdown(results as any));
	log(`wrote ${base}${partial}.json and .md in ${seconds} s`); // this run's time, not the merged file's
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
