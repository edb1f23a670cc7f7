/**
 * Why n8n's FTP node is slow in SFTP mode (issue #23): the node's own calls, reproduced outside n8n with the
 * ssh2-sftp-client and ssh2 n8n ships (n8n's install in the test cache, run on its Node 24), against the
 * same throwaway OpenSSH server. What the FTP node (n8n-nodes-base/dist/nodes/Ftp/Ftp.node.js, 2.40.7) does
 * for an upload of binary data on disk: `new SftpClient()`, `connect({ ..., algorithms: { compress:
 * ['zlib@openssh.com', 'zlib', 'none'] } })`, `put(getBinaryStream(id), remotePath)` with no options (an fs
 * read stream of 64 KiB chunks, ssh2's WriteStream at its default 16 KiB highWaterMark). Variants change one
 * thing each: compression off; a larger write-stream highWaterMark. Each variant runs in its own child
 * process; `BENCH_PROF=<dir>` adds --cpu-prof to the children.
 *   node .build/bench/ftpNodeWhy.js [MiB=64] [rounds=2]
 */
import { createReadStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { N8N_VERSIONS, n8nRuntime } from '../test/support/n8n';
import { startSshd } from '../test/support/sshd';
import { hrms, runOk, spread } from './lib';
import { bigFile } from './micro';

/** n8n = as the FTP node; +noCompress: no zlib offered; +noDelay: TCP_NODELAY on ssh2's socket; +hwm2M: the write stream may buffer 2 MiB. */
type Variant = string;
const VARIANTS: Variant[] = (process.env.WHY_VARIANTS ?? 'n8n,n8n+noCompress,n8n+noDelay,n8n+hwm2M,n8n+noCompress+noDelay+hwm2M').split(
	',',
);

interface Sample {
	variant: Variant;
	ms: number;
	compression: string;
	writes: number;
	maxInFlight: number;
	meanWriteBytes: number;
}

async function child(variant: Variant, file: string, server: string, n8nModules: string) {
	const settings = JSON.parse(server);
	const req = createRequire(path.join(n8nModules, 'ssh2-sftp-client', 'package.json'));
	const SftpClient = req('ssh2-sftp-client');
	const sftp = new SftpClient();
	let compression = '?';
	await sftp.connect({
		host: settings.host,
		port: settings.port,
		username: settings.username,
		privateKey: settings.privateKey,
		...(variant.includes('noCompress') ? {} : { algorithms: { compress: ['zlib@openssh.com', 'zlib', 'none'] } }),
		debug: (line: string) => {
			const m = /Handshake: C->S compression: (\S+)/.exec(line);
			if (m) compression = m[1];
		},
	});
	if (variant.includes('noDelay')) sftp.client.setNoDelay(true);
	// Count the SFTP WRITE requests and how many are outstanding at once.
	const raw = sftp.sftp;
	const write = raw.write.bind(raw);
	let writes = 0;
	let bytes = 0;
	let inFlight = 0;
	let maxInFlight = 0;
	raw.write = (h: Buffer, buf: Buffer, off: number, len: number, pos: number, cb: (e?: Error) => void) => {
		writes++;
		bytes += len;
		maxInFlight = Math.max(maxInFlight, ++inFlight);
		return write(h, buf, off, len, pos, (...a: unknown[]) => {
			inFlight--;
			(cb as (...x: unknown[]) => void)(...a);
		});
	};
	const remote = path.join(settings.root, 'upload', `why-${variant.replace(/\W/g, '_')}.bin`);
	const started = process.hrtime.bigint();
	// As n8n's filesystem binary store serves getBinaryStream: an fs read stream at its default 64 KiB.
	await sftp.put(
		createReadStream(file),
		remote,
		variant.includes('hwm2M') ? { writeStreamOptions: { highWaterMark: 2 * 1024 * 1024 } } : undefined,
	);
	const ms = hrms(started);
	const size = (await sftp.stat(remote)).size;
	await sftp.end();
	if (size !== statSync(file).size) throw new Error(`${variant}: server has ${size} bytes`);
	const sample: Sample = { variant, ms, compression, writes, maxInFlight, meanWriteBytes: Math.round(bytes / writes) };
	process.stdout.write(JSON.stringify(sample));
}

async function main(sizeMiB: number, rounds: number) {
	const runtime = n8nRuntime(N8N_VERSIONS.default);
	const n8nModules = path.resolve(runtime.n8nBin, '..', '..', '..');
	const sshd = await startSshd();
	mkdirSync(path.join(sshd.root, 'upload'), { recursive: true });
	const file = bigFile(sizeMiB);
	const server = JSON.stringify({
		host: sshd.host,
		port: sshd.port,
		username: sshd.username,
		privateKey: sshd.privateKey,
		root: sshd.root,
	});
	const prof = process.env.BENCH_PROF;
	const samples: Sample[] = [];
	try {
		for (let round = 0; round < rounds; round++) {
			const order = VARIANTS.slice();
			for (let k = 0; k < round % order.length; k++) order.push(order.shift()!);
			for (const variant of order) {
				const args = [
					...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${variant.replace(/\W/g, '_')}-${round}.cpuprofile`] : []),
				];
				const out = await runOk(runtime.node, [...args, __filename, 'child', variant, file, n8nModules], {
					input: server, // on stdin: the throwaway key stays out of the process list
				});
				const s = JSON.parse(out.stdout) as Sample;
				samples.push(s);
				console.log(
					`round ${round + 1} ${variant}: ${s.ms.toFixed(0)} ms = ${(sizeMiB / (s.ms / 1000)).toFixed(1)} MiB/s; compression ${s.compression}; ${s.writes} WRITEs of ${s.meanWriteBytes} B on average, at most ${s.maxInFlight} outstanding`,
				);
			}
		}
		for (const v of VARIANTS) {
			const ms = spread(samples.filter((s) => s.variant === v).map((s) => s.ms));
			console.log(
				`${v}: ${ms.median.toFixed(0)} ms (${ms.min.toFixed(0)}–${ms.max.toFixed(0)}) = ${(sizeMiB / (ms.median / 1000)).toFixed(1)} MiB/s`,
			);
		}
	} finally {
		rmSync(path.dirname(file), { recursive: true, force: true });
		await sshd.stop();
	}
}

if (require.main === module) {
	const run =
		process.argv[2] === 'child'
			? child(process.argv[3] as Variant, process.argv[4], readFileSync(0, 'utf8'), process.argv[5])
			: main(Number(process.argv[2] ?? 64), Number(process.argv[3] ?? 2));
	run.catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
