/**
 * Benchmark: Firmador's SFTP upload of a large PDF to a real OpenSSH server, streamed from disk (how the
 * node sends n8n binary data kept in filesystem mode) against read-into-a-Buffer first (what a node
 * without streaming does). Each variant runs in its own child process so its peak memory (VmHWM) is
 * its own; both run side by side in one invocation, alternating, and the report gives ratios.
 *
 *   npm run bench            (sizes in MiB: BENCH_SIZES=8,64  rounds: BENCH_ROUNDS=3)
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { FirmadorSftp } from '../nodes/Firmador/transport/sftp';
import { startSshd } from '../test/support/sshd';

type Variant = 'stream' | 'buffer';

interface Sample {
	variant: Variant;
	sizeMiB: number;
	ms: number;
	peakRssMiB: number;
	baseRssMiB: number;
}

function vmHwmMiB(): number {
	const status = readFileSync('/proc/self/status', 'utf8');
	const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
	return kb / 1024;
}

/** Child: one upload, prints a JSON sample. */
async function worker(variant: Variant, file: string, sizeMiB: number, server: string) {
	const settings = JSON.parse(server);
	const sftp = await FirmadorSftp.connect({ ...settings, signedFolder: settings.uploadFolder });
	const baseRssMiB = vmHwmMiB();
	const started = process.hrtime.bigint();
	const source = variant === 'stream' ? createReadStream(file) : readFileSync(file);
	const result = await sftp.upload(source, settings.uploadFolder, `bench-${variant}.pdf`);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	await sftp.end();
	if (result.size !== sizeMiB * 1024 * 1024) throw new Error(`uploaded ${result.size} bytes`);
	const sample: Sample = { variant, sizeMiB, ms, peakRssMiB: vmHwmMiB(), baseRssMiB };
	process.stdout.write(JSON.stringify(sample));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
	const sizes = (process.env.BENCH_SIZES ?? '8,64').split(',').map(Number);
	const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
	const sshd = await startSshd();
	const server = JSON.stringify({
		host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey,
		hostKeyFingerprint: sshd.hostKeyFingerprint, uploadFolder: path.join(sshd.root, 'upload'),
	});
	const samples: Sample[] = [];
	try {
		for (const sizeMiB of sizes) {
			const file = path.join(sshd.root, `source-${sizeMiB}.pdf`);
			const body = Buffer.alloc(sizeMiB * 1024 * 1024, 0x20);
			body.write('%PDF-1.7\n');
			writeFileSync(file, body);
			for (let round = 0; round < rounds; round++) {
				// Alternate the order so drift on a noisy machine hits both variants alike.
				const order: Variant[] = round % 2 === 0 ? ['stream', 'buffer'] : ['buffer', 'stream'];
				for (const variant of order) {
					const out = execFileSync(process.execPath, [__filename, 'worker', variant, file, String(sizeMiB), server], { encoding: 'utf8' });
					samples.push(JSON.parse(out) as Sample);
				}
			}
		}
	} finally {
		await sshd.stop();
	}
	console.log(`SFTP upload to OpenSSH on loopback, median of ${rounds} rounds per variant (child process each)`);
	console.log('size MiB | stream ms | buffer ms | time buffer/stream | stream peak RSS growth MiB | buffer peak RSS growth MiB | memory buffer/stream');
	for (const sizeMiB of sizes) {
		const pick = (variant: Variant) => samples.filter((s) => s.sizeMiB === sizeMiB && s.variant === variant);
		const ms = (v: Variant) => median(pick(v).map((s) => s.ms));
		const growth = (v: Variant) => median(pick(v).map((s) => s.peakRssMiB - s.baseRssMiB));
		console.log(
			[sizeMiB, ms('stream').toFixed(0), ms('buffer').toFixed(0), (ms('buffer') / ms('stream')).toFixed(2),
				growth('stream').toFixed(1), growth('buffer').toFixed(1), (growth('buffer') / Math.max(growth('stream'), 0.1)).toFixed(1)].join(' | '),
		);
	}
}

if (process.argv[2] === 'worker') {
	worker(process.argv[3] as Variant, process.argv[4], Number(process.argv[5]), process.argv[6]).catch((error) => {
		console.error(error);
		process.exit(1);
	});
} else {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
