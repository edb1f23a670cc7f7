/**
 * The benchmarks that need no n8n process: B3 (SHA-1 hashing path vs sha1sum), B4 (waiting for many
 * sessions: requests per polling round), B5 (Certificate Trigger quiet poll: requests), B6 (HMAC signing
 * overhead), B7 (DigiCert Get Many, Return All: requests). Nodes run through the test harnesses (n8n-core's
 * HTTP stack for Firmador and DigiCert, the poll harness for the trigger) against the simulators.
 */
import { createHash, createHmac } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { listIssuedOrders } from '../nodes/CertificateTrigger/candidates';
import { CertificateTrigger } from '../nodes/CertificateTrigger/CertificateTrigger.node';
import { pollRenewalDue } from '../nodes/CertificateTrigger/renewalDue';
import type { RenewalSettings } from '../nodes/CertificateTrigger/settings';
import { DigiCertClient, type ClientSettings } from '../nodes/DigiCertCodeSigning/transport';
import { BINARY_READ_CHUNK } from '../nodes/Firmador/actions/common';
import { firmadorKey, firmadorNonce, signFirmadorRequest } from '../nodes/Firmador/protocol/hmac';
import { STATUS_IDS_PER_REQUEST } from '../nodes/Firmador/transport/api';
import { startDigiCertSimulator } from '../test/simulators/digicert/server';
import { startFirmadorSimulator } from '../test/simulators/firmador/server';
import { digiCertContext, PollHarness, runDigiCertNode, runFirmador, type DigiCertCredentials } from '../test/support/nodeContext';
import { hrms, runOk, spread, type Spread } from './lib';

const CUIL = '20111111112';
const CUIT = '30500010912';
const DAY = 86_400_000;

/* ---------------------------------------------------------------- B6 ---------------------------------------------------------------- */

/** The encoder before this benchmark (regex test and toString per byte), for a before/after figure. */
function previousDotnetUrlEncode(text: string): string {
	const SAFE = /^[A-Za-z0-9\-_.!*()]$/;
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) {
		const char = String.fromCharCode(byte);
		if (byte < 0x80 && SAFE.test(char)) out += char;
		else if (byte === 0x20) out += '+';
		else out += '%' + byte.toString(16).padStart(2, '0');
	}
	return out;
}

export interface B6Result {
	request: string;
	urlChars: number;
	iterationsPerRound: number;
	rounds: number;
	signUs: Spread;
	rawHmacUs: Spread;
	overheadUs: Spread;
	previousEncoderOverheadUs: Spread;
}

export function benchB6(rounds: number, iterations: number): B6Result {
	const secret = Buffer.from('firmador-bench-secret-0123456789abcdef').toString('base64');
	const ids = Array.from({ length: STATUS_IDS_PER_REQUEST }, (_, i) => `0d1e71e0-8882-4b14-b7f8-${String(i).padStart(12, '0')}`);
	// The longest request the node signs often: a status check of a full chunk of ids.
	const url = `http://firmador.tucertificado.com.ar/api/EstadoSolicitud?${ids.map((id) => `SessionsID[]=${id}`).join('&')}`;
	const key = firmadorKey(secret, 'base64');
	const nonces = Array.from({ length: iterations }, () => firmadorNonce());
	const input = (i: number) => ({
		appId: 'bench-app',
		secret,
		secretFormat: 'base64' as const,
		method: 'GET',
		url,
		timestamp: 1_790_000_000 + i,
		nonce: nonces[i],
	});
	const raws = nonces.map((_, i) => signFirmadorRequest(input(i)).rawSignatureData);
	const timeLoop = (fn: (i: number) => void) => {
		const start = process.hrtime.bigint();
		for (let i = 0; i < iterations; i++) fn(i);
		return (hrms(start) * 1000) / iterations;
	};
	const sign = (i: number) => void signFirmadorRequest(input(i));
	const raw = (i: number) => void createHmac('sha256', key).update(Buffer.from(raws[i], 'utf8')).digest('base64');
	// The same steps as signFirmadorRequest with the previous encoder.
	const previous = (i: number) => {
		const encoded = previousDotnetUrlEncode(url.toLowerCase());
		const data = `bench-app${'GET'}${encoded}${1_790_000_000 + i}${nonces[i]}`;
		void createHmac('sha256', firmadorKey(secret, 'base64')).update(Buffer.from(data, 'utf8')).digest('base64');
	};
	for (let i = 0; i < 3; i++) {
		timeLoop(sign);
		timeLoop(raw);
		timeLoop(previous);
	} // warm-up
	const signUs: number[] = [];
	const rawUs: number[] = [];
	const overhead: number[] = [];
	const previousOverhead: number[] = [];
	for (let r = 0; r < rounds; r++) {
		const s = timeLoop(sign);
		const h = timeLoop(raw);
		const p = timeLoop(previous);
		signUs.push(s);
		rawUs.push(h);
		overhead.push(s - h);
		previousOverhead.push(p - h);
	}
	return {
		request: `GET EstadoSolicitud with ${STATUS_IDS_PER_REQUEST} ids`,
		urlChars: url.length,
		iterationsPerRound: iterations,
		rounds,
		signUs: spread(signUs),
		rawHmacUs: spread(rawUs),
		overheadUs: spread(overhead),
		previousEncoderOverheadUs: spread(previousOverhead),
	};
}

/* ---------------------------------------------------------------- B3 ---------------------------------------------------------------- */

export interface B3Result {
	sizeMiB: number;
	rounds: number;
	chunkBytes: number;
	nodeMs: Spread;
	/** the same loop over n8n's default 64 KiB reads (before) */
	node64kMs: Spread;
	sha1sumMs: Spread;
	/** node throughput / sha1sum throughput, paired per round */
	throughputRatio: Spread;
	throughputRatio64k: Spread;
	nodeMiBs: number;
	sha1sumMiBs: number;
}

/**
 * Hash → Sign's loop (nodes/Firmador/actions/hash/sign.ts) over what n8n's filesystem binary store returns
 * for getBinaryStream(id, BINARY_READ_CHUNK): an fs read stream with that highWaterMark.
 */
async function nodeHashPath(file: string, chunk = BINARY_READ_CHUNK): Promise<string> {
	const hash = createHash('sha1');
	for await (const part of createReadStream(file, { highWaterMark: chunk })) hash.update(part as Buffer);
	return hash.digest('hex').toUpperCase();
}

export function bigFile(sizeMiB: number): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'certsign-bench-big-'));
	const file = path.join(dir, `big-${sizeMiB}.pdf`);
	const fd = openSync(file, 'w');
	const block = Buffer.alloc(1024 * 1024);
	for (let i = 0; i < sizeMiB; i++) {
		for (let j = 0; j < block.length; j += 4) block.writeUInt32LE((i * 2654435761 + j * 40503) >>> 0, j);
		if (i === 0) block.write('%PDF-1.7\n');
		writeSync(fd, block);
	}
	closeSync(fd);
	return file;
}

export async function benchB3(file: string, sizeMiB: number, rounds: number): Promise<B3Result> {
	const samples: Record<'node' | 'node64k' | 'sha1sum', number[]> = { node: [], node64k: [], sha1sum: [] };
	const expected = await nodeHashPath(file); // also warms the page cache for every variant
	for (let r = 0; r < rounds; r++) {
		const order = (['node', 'sha1sum', 'node64k'] as const).slice();
		for (let k = 0; k < r % 3; k++) order.push(order.shift()!); // rotate: drift hits all alike
		for (const which of order) {
			const start = process.hrtime.bigint();
			let hex: string;
			if (which === 'sha1sum') hex = (await runOk('sha1sum', [file])).stdout.split(' ')[0].toUpperCase();
			else hex = await nodeHashPath(file, which === 'node' ? BINARY_READ_CHUNK : 64 * 1024);
			samples[which].push(hrms(start));
			if (hex !== expected) throw new Error(`${which}: ${hex} ≠ ${expected}`);
		}
	}
	const ratio = (variant: 'node' | 'node64k') => spread(samples.sha1sum.map((s, i) => s / samples[variant][i]));
	const nodeMs = spread(samples.node);
	const sha1sumMs = spread(samples.sha1sum);
	return {
		sizeMiB,
		rounds,
		chunkBytes: BINARY_READ_CHUNK,
		nodeMs,
		node64kMs: spread(samples.node64k),
		sha1sumMs,
		throughputRatio: ratio('node'),
		throughputRatio64k: ratio('node64k'),
		nodeMiBs: sizeMiB / (nodeMs.median / 1000),
		sha1sumMiBs: sizeMiB / (sha1sumMs.median / 1000),
	};
}

/* ---------------------------------------------------------------- B4 ---------------------------------------------------------------- */

export interface B4Row {
	sessions: number;
	idsPerRequest: number;
	rounds: number;
	statusRequests: number;
	requestsPerRound: number;
	expectedPerRound: number;
	longestQueryChars: number;
	waitMs: number;
	/** wait time minus the poll interval sleeps between rounds */
	activeMs: number;
	/** time the simulator itself spent on the status requests (part of activeMs) */
	simulatorMs: number;
	/** activeMs − simulatorMs: the node, n8n-core's HTTP stack and the loopback */
	clientMs: number;
	clientUsPerSession: number;
	activeUsPerSession: number;
	requestsPerSession: number;
}

export async function benchB4(sizes: number[], log: (line: string) => void): Promise<B4Row[]> {
	const dir = mkdtempSync(path.join(tmpdir(), 'certsign-bench-b4-'));
	const sim = await startFirmadorSimulator({ uploadFolder: dir, signedFolder: dir });
	const app = sim.apps[0];
	const credentials = { firmadorApi: { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat } };
	const rows: B4Row[] = [];
	try {
		for (const n of sizes) {
			const hex = (i: number) => createHash('sha1').update(`doc ${n} ${i}`).digest('hex').toUpperCase();
			const items = Array.from({ length: n }, () => ({ json: {} }));
			const signed = await runFirmador({
				parameters: {
					resource: 'hash',
					operation: 'sign',
					hashSource: 'field',
					hash: hex,
					signerCuil: CUIL,
					companyCuit: CUIT,
					options: {},
				},
				items,
				credentials,
			});
			const ids = signed.map((item) => String(item.json.sessionId));
			if (new Set(ids).size !== n) throw new Error(`expected ${n} sessions, got ${new Set(ids).size}`);
			const before = sim.control.requests().length;
			const interval = 1;
			const start = process.hrtime.bigint();
			const waited = await runFirmador({
				parameters: {
					resource: 'request',
					operation: 'waitForCompletion',
					sessionIds: (i: number) => ids[i],
					options: { pollInterval: interval, timeout: 600 },
				},
				items: ids.map(() => ({ json: {} })),
				credentials,
			});
			const waitMs = hrms(start);
			if (waited.length !== n || waited.some((item) => item.json.status !== 'signed'))
				throw new Error(
					`wait: ${waited.length} items, not all signed: ${JSON.stringify(waited.find((i) => i.json.status !== 'signed')?.json)}`,
				);
			const status = sim.control
				.requests()
				.slice(before)
				.filter((r) => r.url.includes('/api/EstadoSolicitud'));
			if (status.some((r) => r.status !== 200)) throw new Error('a status request failed');
			const rounds = status.filter((r) => r.url.includes(ids[0])).length;
			const row: B4Row = {
				sessions: n,
				idsPerRequest: STATUS_IDS_PER_REQUEST,
				rounds,
				statusRequests: status.length,
				requestsPerRound: status.length / rounds,
				expectedPerRound: Math.ceil(n / STATUS_IDS_PER_REQUEST),
				longestQueryChars: Math.max(...status.map((r) => r.url.length - r.url.indexOf('?') - 1)),
				waitMs,
				activeMs: waitMs - (rounds - 1) * interval * 1000,
				simulatorMs: status.reduce((sum, r) => sum + (r.handledMs ?? 0), 0),
				clientMs: 0,
				clientUsPerSession: 0,
				activeUsPerSession: 0,
				requestsPerSession: status.length / n,
			};
			row.activeUsPerSession = (row.activeMs * 1000) / n;
			row.clientMs = row.activeMs - row.simulatorMs;
			row.clientUsPerSession = (row.clientMs * 1000) / n;
			log(
				`  B4 ${n} sessions: ${row.statusRequests} status requests in ${rounds} rounds (${row.requestsPerRound}/round, expected ${row.expectedPerRound}), longest query ${row.longestQueryChars} chars, wait ${waitMs.toFixed(0)} ms, active ${row.activeUsPerSession.toFixed(0)} µs/session (simulator ${row.simulatorMs.toFixed(0)} ms, the rest ${row.clientUsPerSession.toFixed(0)} µs/session)`,
			);
			rows.push(row);
		}
	} finally {
		await sim.close();
		rmSync(dir, { recursive: true, force: true });
	}
	return rows;
}

/* ------------------------------------------------------------ B5 and B7 ------------------------------------------------------------ */

export interface B5Row {
	policy: string;
	orders: number;
	listedPerPoll: number;
	requestsFirstPoll: number;
	eventsFirstPoll: number;
	requestsQuietPoll: number;
	eventsQuietPoll: number;
	quietPollMs: number;
	naiveRequestsPerPoll: number;
	/** A simulated day of polls once a minute after the first poll: requests, events, full scans. */
	day: { polls: number; requests: number; requestsPerPoll: number; maxRequestsInAPoll: number; events: number; scans: number; ms: number };
}

export interface B7Result {
	orders: number;
	requests: number;
	expected: number;
	returned: number;
	ms: number;
}

export async function benchB5B7(orders: number, log: (line: string) => void): Promise<{ b5: B5Row[]; b7: B7Result }> {
	// The day of polls below runs on the simulator's clock (no rate limit: those polls are a minute apart there).
	let simulatedNow: number | undefined;
	const sim = await startDigiCertSimulator({ issueAfterReads: null, rateLimit: null, now: () => new Date(simulatedNow ?? Date.now()) });
	// Retries (none expected) without waiting; given per run, no process-wide setting.
	const digiCert: Partial<ClientSettings> = { sleep: async () => undefined };
	try {
		// One-year certificates whose expiries spread evenly over the next 365 days (a steady account).
		const ymd = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
		for (let i = 0; i < orders; i++) {
			const till = 1 + (i % 365);
			// Issued a year before expiry: its status last changed then (the feed of recent changes does not list it).
			sim.control.seedOrder({
				status: 'issued',
				validTill: ymd(till),
				validFrom: ymd(till - 365),
				statusChangedAt: new Date(`${ymd(till - 365)}T12:00:00Z`),
				commonName: `Bench ${i}`,
				sharedPem: true,
			});
		}
		const credentials = { digiCertApi: { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url } };
		const count = () => sim.control.requests.length;

		const b5: B5Row[] = [];
		const policies = [
			{ name: 'daysBefore 30', params: { policy: 'daysBefore', daysBefore: 30 }, policy: { mode: 'daysBefore' as const, days: 30 } },
			{
				name: 'fraction 1/3 (default)',
				params: { policy: 'fractionRemaining' },
				policy: { mode: 'fractionRemaining' as const, fraction: 1 / 3 },
			},
		];
		for (const policy of policies) {
			const harness = new PollHarness(new CertificateTrigger(), {
				parameters: { event: 'renewalDue', includeDigiCert: true, includePem: false, product: '', options: {}, ...policy.params },
				mode: 'trigger',
				credentials,
				digiCert,
			});
			let before = count();
			const first = await harness.pollItems();
			const requestsFirstPoll = count() - before;
			before = count();
			const start = process.hrtime.bigint();
			const quiet = await harness.pollItems();
			const quietPollMs = hrms(start);
			const requestsQuietPoll = count() - before;
			const listed = sim.control.requests.slice(before).filter((r) => r.path.startsWith('/order/certificate')).length;
			// The naive trigger: every issued order, every poll (what the trigger did before).
			before = count();
			const { ctx } = digiCertContext({ credentials: credentials.digiCertApi as DigiCertCredentials, parameters: {}, digiCert });
			const all = await listIssuedOrders(new DigiCertClient(ctx), {});
			const naive = count() - before;
			if (all.length !== orders) throw new Error(`naive listing found ${all.length} orders`);

			// A day of polls, one a minute, from the state the two polls above left (the trigger's own poll
			// function, with the simulated time given to it and to the simulator).
			const settings: RenewalSettings = {
				useDigiCert: true,
				usePem: false,
				product: '',
				containerId: 0,
				pems: [],
				policy: policy.policy,
				reminderEveryDays: 0,
			};
			const pollCtx = { getNode: () => harness.node } as unknown as IPollFunctions;
			const client = new DigiCertClient(
				digiCertContext({ credentials: credentials.digiCertApi as DigiCertCredentials, parameters: {}, digiCert }).ctx,
			);
			let stored: { renewal?: unknown; schedule?: unknown } = { renewal: harness.memory.renewal, schedule: harness.memory.renewalSchedule };
			const day = { polls: 24 * 60, requests: 0, requestsPerPoll: 0, maxRequestsInAPoll: 0, events: 0, scans: 0, ms: 0 };
			const dayStart = Date.now();
			const dayTimer = process.hrtime.bigint();
			try {
				for (let minute = 1; minute <= day.polls; minute++) {
					simulatedNow = dayStart + minute * 60_000;
					const before = count();
					const result = await pollRenewalDue(pollCtx, client, settings, stored, new Date(simulatedNow));
					const requests = count() - before;
					day.requests += requests;
					day.maxRequestsInAPoll = Math.max(day.maxRequestsInAPoll, requests);
					day.events += result.items.length;
					if (result.kind === 'scan') day.scans++;
					stored = { renewal: result.next as unknown as IDataObject, schedule: result.schedule };
				}
			} finally {
				simulatedNow = undefined;
			}
			day.ms = hrms(dayTimer);
			day.requestsPerPoll = day.requests / day.polls;
			if (day.scans < 1) throw new Error('a simulated day without a full scan');

			const row: B5Row = {
				policy: policy.name,
				orders,
				listedPerPoll: listed,
				requestsFirstPoll,
				eventsFirstPoll: first.length,
				requestsQuietPoll,
				eventsQuietPoll: quiet.length,
				quietPollMs,
				naiveRequestsPerPoll: naive,
				day,
			};
			if (quiet.length !== 0) throw new Error(`a quiet poll fired ${quiet.length} events`);
			log(
				`  B5 ${policy.name}: first poll ${requestsFirstPoll} requests / ${first.length} events; quiet poll ${requestsQuietPoll} requests (${quietPollMs.toFixed(0)} ms); naive ${naive}; a day of ${day.polls} polls: ${day.requests} requests (${day.requestsPerPoll.toFixed(3)}/poll, at most ${day.maxRequestsInAPoll}), ${day.events} events, ${day.scans} full scan(s)`,
			);
			b5.push(row);
		}

		const before = count();
		const start = process.hrtime.bigint();
		const { output } = await runDigiCertNode({
			credentials: credentials.digiCertApi as DigiCertCredentials,
			digiCert,
			parameters: { resource: 'order', operation: 'getMany', returnAll: true, filters: {} },
		});
		const ms = hrms(start);
		const b7: B7Result = { orders, requests: count() - before, expected: Math.ceil(orders / 1000), returned: output.length, ms };
		if (output.length !== orders) throw new Error(`Get Many returned ${output.length} of ${orders}`);
		log(`  B7 Get Many over ${orders}: ${b7.requests} requests (expected ${b7.expected}), ${ms.toFixed(0)} ms`);
		return { b5, b7 };
	} finally {
		await sim.close();
	}
}
