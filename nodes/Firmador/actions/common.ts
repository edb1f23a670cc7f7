/** Pieces shared by Firmador's operations: signer fields, the wait and batch fields, binary input, status output. */
import type { Readable } from 'node:stream';

import {
	BINARY_ENCODING,
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { checkCuit } from '../../shared/cuit';
import { withContext } from '../../shared/errors';
import { inputError, itemLabel, type Entry } from '../../shared/n8n/items';
import { waitForCompletionField, waitTimingOptions, type WaitWords } from '../../shared/n8n/waitFields';
import { waitSeconds, type WaitSeconds } from '../../shared/poll';
import { clause } from '../../shared/words';
import { parseSessionIds } from '../protocol/status';
import { apiCredentialProblem, STATUS_IDS_PER_REQUEST, type StatusEntry } from '../transport/api';

/** Firmador's wait: the signer approves with their OTP/PIN, usually within minutes. */
const FIRMADOR_WAIT: WaitWords = {
	wait: false,
	pollInterval: 5,
	timeout: 300,
	waitDescription:
		'Whether to poll the request until it is signed, expired or failed before returning (the signer approves it with their OTP/PIN)',
	timeoutDescription: 'Requests still pending then are returned with timedOut: true; Request → Wait for Completion can pick them up later.',
};

export const waitField = (): INodeProperties => waitForCompletionField(FIRMADOR_WAIT);
export const waitOptions = (shownWithSwitch = true): INodeProperties[] => waitTimingOptions(FIRMADOR_WAIT, shownWithSwitch);

/** The clamped wait of an item (its Options). */
export function readWait(ctx: IExecuteFunctions, itemIndex: number): WaitSeconds {
	return waitSeconds(ctx.getNodeParameter('options', itemIndex, {}) as IDataObject, FIRMADOR_WAIT);
}

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
			available.length
				? `The item has these binary fields: ${available.join(', ')}`
				: 'The item has no binary data; read or download the file first',
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
export function rejectedSessionsError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	ids: string[],
	statuses: Map<string, StatusEntry>,
): NodeOperationError | undefined {
	const rejected = ids.filter((id) => statuses.get(id)?.rejected !== undefined);
	if (rejected.length === 0) return undefined;
	const phrase = statuses.get(rejected[0])!.rejected!;
	const error = new NodeOperationError(
		ctx.getNode(),
		`Firmador refused the status query for ${rejected.join(', ')}: ${clause(phrase)} ${itemLabel(itemIndex)}`,
		{
			itemIndex,
			description: 'Firmador answered HTTP 204 with this reason phrase to the status query for these session IDs.',
		},
	);
	return withContext(error, { sessionIds: rejected, reasonPhrase: phrase, signed: false });
}

// ------------------------------------------------------------------------------------------------
// Request → Get Status and Wait for Completion

export const sessionIdsField: INodeProperties = {
	displayName: 'Session IDs',
	name: 'sessionIds',
	type: 'string',
	default: '={{ $json.sessionId }}',
	required: true,
	description: 'One or more SessionIDs (comma-separated or an array). The IDs of all items are checked together.',
};

export const chunkSizeOption = (): INodeProperties => ({
	displayName: 'IDs per Request',
	name: 'chunkSize',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: STATUS_IDS_PER_REQUEST,
	description: "Most session IDs asked for in one status request (36 keeps the URL under IIS's 2,048-character query limit)",
});

/** One item's session ids, checked (with the API credential) before any request. */
export async function readSessionIds(ctx: IExecuteFunctions, itemIndex: number): Promise<string[]> {
	const ids = parseSessionIds(ctx.getNodeParameter('sessionIds', itemIndex, ''));
	const bad = ids.find((id) => id.length > 128 || /[\u0000-\u001f]/.test(id));
	if (ids.length === 0 || bad !== undefined) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'Session IDs',
			ids.length === 0 ? 'is empty' : 'holds a value that is not a session id (too long or with control characters)',
		);
	}
	await checkApiCredential(ctx, itemIndex);
	return ids;
}

/** The ids of all items, each once: one status query covers every item. */
export const allIds = (entries: Array<Entry<string[]>>) => [...new Set(entries.flatMap((entry) => entry.payload))];

/** One item's output: a status item per id, or the error of an item whose ids Firmador refused (204 + phrase). */
export function statusItems(
	ctx: IExecuteFunctions,
	itemIndex: number,
	ids: string[],
	statuses: Map<string, StatusEntry>,
	extra: (entry: StatusEntry | undefined) => IDataObject = () => ({}),
): INodeExecutionData[] | Error {
	const refused = rejectedSessionsError(ctx, itemIndex, ids, statuses);
	if (refused) return refused;
	return ids.map((id) => {
		const entry = statuses.get(id);
		return { json: { sessionId: id, ...statusJson(entry), ...extra(entry) } };
	});
}
