/**
 * Bench-only experiment (issue #23 item 3), never part of the package: FirmadorSftp.upload run in a
 * worker_thread instead of n8n's main thread. bench/workerUpload.ts copies this file next to the installed
 * package's dist/nodes/Firmador/transport/sftp.js in a throwaway n8n user folder and makes sftp.js call
 * install() when CERTSIGN_BENCH_SFTP_WORKER=1, so the same n8n runs both versions in paired rounds.
 *
 * Main thread: reads the node's source stream (n8n's binary stream) and posts each chunk to the worker
 * (transferred, copied first when it shares its memory), at most CHUNKS_IN_FLIGHT unacknowledged. Worker: its
 * own SFTP connection (the same settings, host key pinned), the package's own FirmadorSftp.upload over a
 * Readable fed by those messages, then the result or the error back. Only `require('./sftp')` and Node's
 * builtins: it must load from the installed dist folder.
 */
import Module from 'node:module';
import { Readable } from 'node:stream';
import { isMainThread, MessageChannel, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';

import type * as SftpModule from '../nodes/Firmador/transport/sftp';

const CHUNKS_IN_FLIGHT = 8;

type FromWorker =
	| { type: 'ack' }
	| { type: 'done'; result: SftpModule.UploadResult }
	| { type: 'error'; message: string; kind?: string; description?: string };
type ToWorker = { type: 'chunk'; data: ArrayBuffer } | { type: 'end' } | { type: 'error'; message: string };

interface Job {
	settings: SftpModule.FirmadorSftpSettings;
	folder: string;
	name: string;
	overwrite: boolean;
	port: MessagePort;
}

export function install(sftp: typeof SftpModule) {
	const proto = sftp.FirmadorSftp.prototype as unknown as {
		upload: (
			source: Readable | Buffer,
			folder: string,
			name: string,
			options?: { overwrite?: boolean },
		) => Promise<SftpModule.UploadResult>;
		settings: SftpModule.FirmadorSftpSettings;
	};
	proto.upload = async function (this: { settings: SftpModule.FirmadorSftpSettings }, source, folder, name, options = {}) {
		const { port1, port2 } = new MessageChannel();
		const job: Job = { settings: this.settings, folder, name, overwrite: options.overwrite === true, port: port2 };
		const worker = new Worker(__filename, { workerData: job, transferList: [port2] });
		let credit = CHUNKS_IN_FLIGHT;
		let wake: (() => void) | undefined;
		const outcome = new Promise<SftpModule.UploadResult>((resolve, reject) => {
			port1.on('message', (m: FromWorker) => {
				if (m.type === 'ack') {
					credit++;
					wake?.();
				} else if (m.type === 'done') resolve(m.result);
				else reject(new sftp.SftpError(m.message, (m.kind ?? 'io') as SftpModule.SftpError['kind'], m.description));
			});
			worker.on('error', reject);
			worker.on('exit', (code) => reject(new sftp.SftpError(`SFTP upload worker exited (${code})`, 'io')));
		});
		outcome.catch(() => undefined);
		let failed = false;
		outcome.catch(() => {
			failed = true;
			wake?.();
		});
		try {
			const input = Buffer.isBuffer(source) ? [source] : source;
			for await (const chunk of input as AsyncIterable<Buffer>) {
				while (credit === 0 && !failed) await new Promise<void>((r) => (wake = r));
				if (failed) break;
				credit--;
				// Transfer when the Buffer owns its whole ArrayBuffer, else copy it into one it owns.
				const owned =
					chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer
						? chunk.buffer
						: new Uint8Array(chunk).buffer;
				port1.postMessage({ type: 'chunk', data: owned } satisfies ToWorker, [owned]);
			}
			if (!failed) port1.postMessage({ type: 'end' } satisfies ToWorker);
		} catch (error) {
			port1.postMessage({ type: 'error', message: (error as Error).message } satisfies ToWorker);
		}
		try {
			return await outcome;
		} finally {
			port1.close();
			await worker.terminate();
		}
	};
}

async function runWorker(job: Job) {
	// sftp.js imports n8n-workflow for sleep() alone. n8n puts its node_modules on NODE_PATH, which a worker
	// inherits; CERTSIGN_BENCH_WORKER_STUB=0 loads the real one, otherwise a stub of sleep() spares loading it.
	if (process.env.CERTSIGN_BENCH_WORKER_STUB === '0') return await upload(job, require('./sftp') as typeof SftpModule);
	const resolve = (Module as unknown as { _resolveFilename: (...a: unknown[]) => string })._resolveFilename;
	(Module as unknown as { _resolveFilename: (...a: unknown[]) => string })._resolveFilename = function (
		request: unknown,
		...rest: unknown[]
	) {
		if (request === 'n8n-workflow') return 'n8n-workflow-stub';
		return resolve.call(this, request, ...rest);
	};
	require.cache['n8n-workflow-stub'] = {
		exports: { sleep: async (ms: number) => await new Promise((r) => setTimeout(r, ms)) },
	} as NodeJS.Module;
	await upload(job, require('./sftp') as typeof SftpModule);
}

async function upload(job: Job, sftp: typeof SftpModule) {
	const port = job.port;
	let pendingAck = false;
	const input = new Readable({
		read() {
			if (pendingAck) {
				pendingAck = false;
				port.postMessage({ type: 'ack' } satisfies FromWorker);
			}
		},
	});
	port.on('message', (m: ToWorker) => {
		if (m.type === 'chunk') {
			if (input.push(Buffer.from(m.data))) port.postMessage({ type: 'ack' } satisfies FromWorker);
			else pendingAck = true;
		} else if (m.type === 'end') input.push(null);
		else input.destroy(new Error(m.message));
	});
	let client: SftpModule.FirmadorSftp | undefined;
	try {
		client = await sftp.FirmadorSftp.connect(job.settings);
		const result = await client.upload(input, job.folder, job.name, { overwrite: job.overwrite });
		port.postMessage({ type: 'done', result } satisfies FromWorker);
	} catch (error) {
		const e = error as SftpModule.SftpError;
		port.postMessage({ type: 'error', message: e.message, kind: e.kind, description: e.description } satisfies FromWorker);
	} finally {
		await client?.end();
		port.close();
	}
}

if (!isMainThread && (workerData as Job | undefined)?.port && parentPort) void runWorker(workerData as Job);
