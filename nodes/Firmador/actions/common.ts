/** Pieces shared by Firmador's operations: signer fields, wait options, binary input, waiting. */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { BINARY_ENCODING, NodeOperationError } from 'n8n-workflow';
import type { Readable } from 'node:stream';
import { checkCuit } from '../../shared/cuit';
import { firmadorKey } from '../protocol/hmac';
import { firmadorWireSettings, READING_FIELDS } from '../protocol/wire';
import { pollUntil } from '../../shared/poll';
import { asSentence, clampSeconds, POLL_INTERVAL_SECONDS, WAIT_TIMEOUT_SECONDS } from '../protocol/status';
import { checkBaseFolder, RemotePathError } from '../protocol/paths';
import { inputError, itemLabel, withContext } from '../../shared/n8n/items';
import { userinfoReason } from '../../shared/secureUrl';
import { getStatuses, STATUS_IDS_PER_REQUEST, type StatusEntry } from '../transport/api';
import { FirmadorSftp, normaliseFingerprint, SftpError, type FirmadorSftpSettings } from '../transport/sftp';

/** Warnings an execution collects (e.g. an unverified SFTP host key); the node adds them to every output item. */
const warnings = new WeakMap<object, string[]>();

export function addWarning(ctx: IExecuteFunctions, text: string) {
	const list = warnings.get(ctx) ?? [];
	if (!list.includes(text)) list.push(text);
	warnings.set(ctx, list);
}

export function takeWarnings(ctx: IExecuteFunctions): string[] {
	const list = warnings.get(ctx) ?? [];
	warnings.delete(ctx);
	return list;
}

export const UNVERIFIED_HOST_KEY_WARNING =
	'The SFTP server\'s host key was not verified (Accept Any Host Key is on in the Firmador SFTP credential): the connection could have been intercepted.';

export function signerFields(): INodeProperties[] {
	return [
		{
			displayName: 'Signer CUIL',
			name: 'signerCuil',
			type: 'string',
			default: '',
			required: true,
			placeholder: '20-11111111-2',
			description: 'CUIL of the person who signs (11 digits, dashes allowed). They approve the request with their OTP/PIN.',
		},
		{
			displayName: 'Company CUIT',
			name: 'companyCuit',
			type: 'string',
			default: '',
			required: true,
			placeholder: '30-50001091-2',
			description: 'CUIT of the company the signature is made for (11 digits, dashes allowed)',
		},
	];
}

export function waitOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			description: 'Whether to poll the request until it is signed, expired or failed before returning',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 600 },
			default: 5,
			description: 'Seconds between status checks while waiting (1 to 600)',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 86400 },
			default: 300,
			description: 'How long to wait in total (at most 24 h). The signer must approve with their OTP within this time.',
		},
	];
}

export function batchOptions(): INodeProperties[] {
	return [
		{
			displayName: 'One Request for All Items',
			name: 'batch',
			type: 'boolean',
			default: false,
			description: 'Whether to send all input items in one signing request (one session, one OTP approval) instead of one request per item',
		},
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Most items per request when sending all items together; more items are split into several requests',
		},
	];
}

export function validatedPerson(ctx: IExecuteFunctions, itemIndex: number): { cuil: string; cuit: string } {
	const cuil = checkCuit(ctx.getNodeParameter('signerCuil', itemIndex, '') as string);
	if (!cuil.valid) throw inputError(ctx.getNode(), itemIndex, 'Signer CUIL', cuil.reason);
	const cuit = checkCuit(ctx.getNodeParameter('companyCuit', itemIndex, '') as string);
	if (!cuit.valid) throw inputError(ctx.getNode(), itemIndex, 'Company CUIT', cuit.reason);
	return { cuil: cuil.cuit, cuit: cuit.cuit };
}

/** One request carries one CUILPersona / CUITEmpresa: in one request every item must agree with the first. */
export function checkSameSignerAsFirst(ctx: IExecuteFunctions, itemIndex: number, person: { cuil: string; cuit: string }) {
	if (itemIndex === 0) return;
	const first = validatedPerson(ctx, 0);
	if (first.cuil !== person.cuil || first.cuit !== person.cuit) {
		throw inputError(ctx.getNode(), itemIndex, 'Signer CUIL', 'and Company CUIT must be the same for all items sent in one request');
	}
}

export interface BinaryInput {
	binary: IBinaryData;
	/** A fresh stream of the content (streamed from n8n's binary store when it keeps files outside memory). */
	open(): Promise<Readable | Buffer>;
	/** The first bytes, to check the file type before uploading. */
	head(bytes: number): Promise<Buffer>;
	buffer(): Promise<Buffer>;
}

/**
 * Read size asked of n8n's binary store (getBinaryStream's chunkSize; its default is a 64 KiB fs read
 * stream). SHA-1 over 64 KiB reads ran at about half the speed of 1 MiB reads (per-chunk async overhead).
 */
export const BINARY_READ_CHUNK = 1024 * 1024;

/**
 * The read size for one file: BINARY_READ_CHUNK, or for a smaller file its size (at least 64 KiB). An fs read stream
 * allocates a buffer of its read size for every read, so 1 MiB reads of a 100 KB file allocated ten times the
 * file, twice per document (B1: most of the garbage collection).
 */
function fileReadSize(binary: IBinaryData): number {
	const bytes = Number(binary.bytes);
	if (!Number.isSafeInteger(bytes) || bytes <= 0) return BINARY_READ_CHUNK;
	return Math.min(BINARY_READ_CHUNK, Math.max(64 * 1024, bytes + 1));
}

export function binaryInput(ctx: IExecuteFunctions, itemIndex: number, propertyName: string): BinaryInput {
	const items = ctx.getInputData();
	const binary = items[itemIndex]?.binary?.[propertyName];
	if (!binary) {
		const available = Object.keys(items[itemIndex]?.binary ?? {});
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'Input Binary Field',
			`"${propertyName}" is missing from the input item`,
			available.length ? `The item has these binary fields: ${available.join(', ')}` : 'The item has no binary data; read or download the file first',
		);
	}
	const open = async (readSize = fileReadSize(binary)): Promise<Readable | Buffer> => {
		if (binary.id) return await ctx.helpers.getBinaryStream(binary.id, readSize);
		return Buffer.from(binary.data, BINARY_ENCODING);
	};
	return {
		binary,
		open: async () => await open(),
		buffer: async () => await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName),
		head: async (bytes: number) => {
			const source = await open(Math.max(bytes, 16));
			if (Buffer.isBuffer(source)) return source.subarray(0, bytes);
			const chunks: Buffer[] = [];
			let length = 0;
			for await (const part of source) {
				chunks.push(part as Buffer);
				length += (part as Buffer).length;
				if (length >= bytes) break;
			}
			source.destroy();
			return Buffer.concat(chunks).subarray(0, bytes);
		},
	};
}

const apiCredentialChecks = new WeakMap<object, { field: string; problem: string } | null>();

/**
 * The Firmador API credential checked before any request (once per execution): each problem becomes an
 * error on the item that would have used it, naming the credential's field.
 */
export async function checkApiCredential(ctx: IExecuteFunctions, itemIndex: number): Promise<void> {
	let found = apiCredentialChecks.get(ctx);
	if (found === undefined) {
		found = apiCredentialProblem((await ctx.getCredentials('firmadorApi')) as IDataObject);
		apiCredentialChecks.set(ctx, found);
	}
	if (found) throw inputError(ctx.getNode(), itemIndex, `Firmador API credential → ${found.field}`, found.problem);
}

export function apiCredentialProblem(c: IDataObject): { field: string; problem: string } | null {
	const baseUrl = String(c.baseUrl ?? '').trim();
	if (!baseUrl) return { field: 'Base URL', problem: 'is empty' };
	if (/[\u0000-\u001f\s]/.test(baseUrl)) return { field: 'Base URL', problem: 'contains spaces or control characters' };
	const userinfo = userinfoReason(baseUrl);
	if (userinfo) return { field: 'Base URL', problem: userinfo };
	let parsed: URL | undefined;
	try {
		parsed = new URL(baseUrl);
	} catch {
		return { field: 'Base URL', problem: `"${baseUrl}" is not a URL` };
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { field: 'Base URL', problem: `must be http or https, not ${parsed.protocol}` };
	const appId = String(c.appId ?? '');
	if (!appId.trim()) return { field: 'App ID', problem: 'is empty' };
	if (/[:\s\u0000-\u001f]/.test(appId)) return { field: 'App ID', problem: 'contains a colon, a space or a control character (it goes into the Authorization header)' };
	const secret = String(c.secret ?? '');
	if (!secret) return { field: 'Secret', problem: 'is empty' };
	let wire: ReturnType<typeof firmadorWireSettings>;
	try {
		wire = firmadorWireSettings(c);
	} catch (error) {
		const message = (error as Error).message;
		const field = Object.values(READING_FIELDS).find((label) => message.includes(`'s ${label} "`)) ?? 'settings';
		return { field, problem: message.match(/"[^"]*" is not one of: .*$/)?.[0] ?? message };
	}
	if (wire.secretFormat === 'base64') {
		try {
			firmadorKey(secret, 'base64');
		} catch {
			return { field: 'Secret', problem: 'is not valid Base64 (set Secret Encoding to Text if it is a plain string)' };
		}
	}
	return null;
}

/** The SFTP credential's settings, checked (folders normalised, no `..` or control characters) before any connection. */
export function sftpSettingsFrom(c: IDataObject): FirmadorSftpSettings {
	const folder = (label: string, value: unknown) => {
		let problem: string | undefined;
		let checked = '';
		try {
			checked = checkBaseFolder(String(value ?? ''));
		} catch (error) {
			problem = (error as RemotePathError).message;
		}
		if (problem !== undefined) throw new SftpError(`The Firmador SFTP credential's ${label} ${problem}`, 'io');
		return checked;
	};
	const host = String(c.host ?? '').trim();
	if (!host) throw new SftpError('The Firmador SFTP credential\'s Host is empty', 'connect');
	if (/[\s/\\\u0000-\u001f]/.test(host)) throw new SftpError(`The Firmador SFTP credential's Host "${host.replace(/[\u0000-\u001f]/g, '?')}" is not a host name`, 'connect');
	const port = Number(c.port ?? 22);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SftpError(`The Firmador SFTP credential's Port ${String(c.port)} is not a port number (1-65535)`, 'connect');
	// Checked here, before any connection: a malformed fingerprint, or none without the explicit toggle.
	const fingerprint = normaliseFingerprint(String(c.hostKeyFingerprint ?? ''));
	if (!fingerprint && c.allowAnyHostKey !== true) {
		throw new SftpError(
			'The Firmador SFTP credential has no Host Key Fingerprint',
			'hostKey',
			'Set the server\'s fingerprint (ssh-keyscan host | ssh-keygen -lf -), or turn on "Accept Any Host Key (Insecure)" if you accept a connection that could be intercepted.',
		);
	}
	return {
		host,
		port,
		username: String(c.username ?? ''),
		password: (c.password as string) || undefined,
		privateKey: (c.privateKey as string) || undefined,
		passphrase: (c.passphrase as string) || undefined,
		hostKeyFingerprint: String(c.hostKeyFingerprint ?? '').trim(),
		allowAnyHostKey: c.allowAnyHostKey === true,
		uploadFolder: folder('Upload Folder', c.uploadFolder),
		signedFolder: folder('Signed Folder', c.signedFolder),
		...(typeof c.operationTimeoutMs === 'number' ? { operationTimeoutMs: c.operationTimeoutMs } : {}),
	};
}

export async function sftpSettings(ctx: IExecuteFunctions): Promise<FirmadorSftpSettings> {
	return sftpSettingsFrom((await ctx.getCredentials('firmadorSftp')) as IDataObject);
}

export async function withSftp<T>(ctx: IExecuteFunctions, run: (sftp: FirmadorSftp, settings: FirmadorSftpSettings) => Promise<T>, known?: FirmadorSftpSettings): Promise<T> {
	const settings = known ?? (await sftpSettings(ctx));
	const sftp = await FirmadorSftp.connect(settings);
	if (sftp.hostKeyUnverified) addWarning(ctx, UNVERIFIED_HOST_KEY_WARNING);
	try {
		return await run(sftp, settings);
	} finally {
		await sftp.end();
	}
}

export interface WaitResult {
	statuses: Map<string, StatusEntry>;
	timedOut: boolean;
	waitedMs: number;
}

/**
 * Polls EstadoSolicitud for every id together until each is final (1, 4, 5, or refused by a 204 with a
 * phrase) or the timeout passes. A 204 without a phrase means "no result yet" (the next poll asks again).
 * Interval and timeout are clamped.
 */
export async function waitForSessions(ctx: IExecuteFunctions, ids: string[], intervalSeconds: unknown, timeoutSeconds: unknown, chunkSize = STATUS_IDS_PER_REQUEST): Promise<WaitResult> {
	const statuses = new Map<string, StatusEntry>();
	const started = Date.now();
	const interval = clampSeconds(intervalSeconds, POLL_INTERVAL_SECONDS.fallback, POLL_INTERVAL_SECONDS.min, POLL_INTERVAL_SECONDS.max);
	const timeout = clampSeconds(timeoutSeconds, WAIT_TIMEOUT_SECONDS.fallback, WAIT_TIMEOUT_SECONDS.min, WAIT_TIMEOUT_SECONDS.max);
	const outcome = await pollUntil(
		async () => {
			const pending = ids.filter((id) => !statuses.get(id)?.final);
			const latest = await getStatuses.call(ctx, pending, chunkSize);
			for (const [id, entry] of latest) statuses.set(id, entry);
			return ids.every((id) => statuses.get(id)?.final) ? true : undefined;
		},
		{ intervalMs: interval * 1000, timeoutMs: timeout * 1000 },
	);
	return { statuses, timedOut: !outcome.done, waitedMs: Date.now() - started };
}

/** The status fields an output item carries: the normalised status, the service's message as sent, its raw entry. */
export function statusJson(entry: StatusEntry | undefined): IDataObject {
	if (!entry) return { status: 'unknown' };
	return {
		status: entry.status,
		statusCode: entry.statusCode,
		statusFrom: entry.statusFrom,
		...(entry.statusReason ? { statusReason: entry.statusReason } : {}),
		final: entry.final,
		signed: entry.signed,
		...(entry.statusMessage !== undefined ? { statusMessage: entry.statusMessage } : {}),
		...(entry.rejected !== undefined ? { reasonPhrase: entry.rejected } : {}),
		...(entry.signedHash !== undefined ? { signedHash: entry.signedHash } : {}),
		...(entry.response ? { response: entry.response } : {}),
	};
}

/**
 * The error of an item one of whose session ids Firmador refused with a 204 and a reason phrase (e.g. "El
 * CUIL ingresado no es valido"): the item fails at once with that phrase instead of waiting for the timeout.
 */
export function rejectedSessionsError(ctx: IExecuteFunctions, itemIndex: number, ids: string[], statuses: Map<string, StatusEntry>): NodeOperationError | undefined {
	const rejected = ids.filter((id) => statuses.get(id)?.rejected !== undefined);
	if (rejected.length === 0) return undefined;
	const phrase = statuses.get(rejected[0])!.rejected!;
	const error = new NodeOperationError(ctx.getNode(), `Firmador refused the status query for ${rejected.join(', ')}: ${asSentence(phrase).replace(/\.$/, '')} ${itemLabel(itemIndex)}`, {
		itemIndex,
		description: 'Firmador answered HTTP 204 with this reason phrase to the status query for these session IDs.',
	});
	return withContext(error, { sessionIds: rejected, reasonPhrase: phrase, signed: false });
}
