/**
 * Firmador's SFTP upload to a real OpenSSH server, streamed from disk (how the node sends n8n binary data
 * kept in filesystem mode) against read-into-a-Buffer first. Each upload runs in its own child process so
 * its peak memory (VmHWM) is its own; the variants alternate within one run and the report gives ratios.
 * Child processes are awaited asynchronously (sshd's log pipe keeps draining meanwhile).
 *   node .build/bench/sftpUpload.js            (BENCH_SIZES=8,64  BENCH_ROUNDS=7)
 */
import { createReadStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { BINARY_READ_CHUNK } from '../nodes/Firmador/actions/common';
import { FirmadorSftp } from '../nodes/Firmador/transport/sftp';
import { startSshd, type SshdServer } from '../test/support/sshd';
import { hrms, memoryOf, runOk, spread, type Spread } from './lib';

type Variant = 'stream' | 'buffer';

interface Sample {
	variant: Variant;
	sizeMiB: number;
	ms: number;
	peakRssMiB: number;
	baseRssMiB: number;
}

export interface SftpUploadRow {
	sizeMiB: number;
	rounds: number;
	streamMs: Spread;
	bufferMs: Spread;
	/** buffer time / stream time, per round (paired), then median and range */
	speedStreamOverBuffer: Spread;
	streamRssGrowthMiB: Spread;
	bufferRssGrowthMiB: Spread;
}

/** Child: one upload, prints a JSON sample. */
async function worker(variant: Variant, file: string, sizeMiB: number, server: string) {
	const settings = JSON.parse(server);
	const sftp = await FirmadorSftp.connect({ ...settings, signedFolder: settings.uploadFolder });
	const baseRssMiB = memoryOf('self').hwm;
	const started = process.hrtime.bigint();
	// As n8n's filesystem binary store serves the node: an fs stream with BINARY_READ_CHUNK reads.
	const source = variant === 'stream' ? createReadStream(file, { highWaterMark: BINARY_READ_CHUNK }) : readFileSync(file);
	const result = await sftp.upload(source, settings.uploadFolder, `bench-${variant}.pdf`, { overwrite: true });
	const ms = hrms(started);
	await sftp.end();
	if (result.size !== sizeMiB * 1024 * 1024) throw new Error(`uploaded ${result.size} bytes`);
	const sample: Sample = { variant, sizeMiB, ms, peakRssMiB: memoryOf('self').hwm, baseRssMiB };
	process.stdout.write(JSON.stringify(sample));
}

export function sftpSettings(sshd: SshdServer) {
	return {
		host: sshd.host,
		port: sshd.port,
		username: sshd.username,
		privateKey: sshd.privateKey,
		hostKeyFingerprint: sshd.hostKeyFingerprint,
		uploadFolder: path.join(sshd.root, 'upload'),
	};
}

export async function benchSftpUpload(
	sizes: number[],
	rounds: number,
	log: (line: string) => void = console.log,
): Promise<SftpUploadRow[]> {
	const sshd = await startSshd();
	const server = JSON.stringify(sftpSettings(sshd));
	const rows: SftpUploadRow[] = [];
	try {
		for (const sizeMiB of sizes) {
			const file = path.join(sshd.root, `source-${sizeMiB}.pdf`);
			const body = Buffer.alloc(sizeMiB * 1024 * 1024, 0x20);
			body.write('%PDF-1.7\n');
			writeFileSync(file, body);
			const samples: Sample[] = [];
			const ratios: number[] = [];
			for (let round = 0; round < rounds; round++) {
				// Alternate the order so drift on a noisy machine hits both variants alike.
				const order: Variant[] = round % 2 === 0 ? ['stream', 'buffer'] : ['buffer', 'stream'];
				const pair: Partial<Record<Variant, Sample>> = {};
				for (const variant of order) {
					const out = await runOk(process.execPath, [__filename, 'worker', variant, file, String(sizeMiB), server]);
					pair[variant] = JSON.parse(out.stdout) as Sample;
					samples.push(pair[variant]!);
				}
				ratios.push(pair.buffer!.ms / pair.stream!.ms);
			}
			rmSync(file, { force: true });
			const pick = (v: Variant) => samples.filter((s) => s.variant === v);
			const row: SftpUploadRow = {
				sizeMiB,
				rounds,
				streamMs: spread(pick('stream').map((s) => s.ms)),
				bufferMs: spread(pick('buffer').map((s) => s.ms)),
				speedStreamOverBuffer: spread(ratios),
				streamRssGrowthMiB: spread(pick('stream').map((s) => s.peakRssMiB - s.baseRssMiB)),
				bufferRssGrowthMiB: spread(pick('buffer').map((s) => s.peakRssMiB - s.baseRssMiB)),
			};
			log(
				`  sftp ${sizeMiB} MiB: stream ${row.streamMs.median.toFixed(0)} ms, buffer ${row.bufferMs.median.toFixed(0)} ms, speed stream/buffer ${row.speedStreamOverBuffer.median.toFixed(2)} (${row.speedStreamOverBuffer.min.toFixed(2)}–${row.speedStreamOverBuffer.max.toFixed(2)}), RSS +${row.streamRssGrowthMiB.median.toFixed(0)} vs +${row.bufferRssGrowthMiB.median.toFixed(0)} MiB`,
			);
			rows.push(row);
		}
	} finally {
		await sshd.stop();
	}
	return rows;
}

if (require.main === module) {
	if (process.argv[2] === 'worker') {
		worker(process.argv[3] as Variant, process.argv[4], Number(process.argv[5]), process.argv[6]).catch((error) => {
			console.error(error);
			process.exit(1);
		});
	} else {
		const sizes = (process.env.BENCH_SIZES ?? '8,64').split(',').map(Number);
		benchSftpUpload(sizes, Number(process.env.BENCH_ROUNDS ?? 7)).catch((error) => {
			console.error(error);
			process.exit(1);
		});
	}
}
