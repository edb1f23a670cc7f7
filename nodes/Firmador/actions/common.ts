/** Pieces shared by Firmador's operations: signer fields, wait options, binary input, waiting. */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';
import type { Readable } from 'node:stream';
import { checkCuit } from '../../shared/cuit';
import { pollUntil } from '../../shared/poll';
import { inputError } from '../../shared/n8n/items';
import { getStatuses, type StatusEntry } from '../transport/api';
import { FirmadorSftp, type FirmadorSftpSettings } from '../transport/sftp';

export function signerFields(resource: string): INodeProperties[] {
	const show = { resource: [resource], operation: ['sign'] };
	return [
		{
			displayName: 'Signer CUIL',
			name: 'signerCuil',
			type: 'string',
			default: '',
			required: true,
			placeholder: '20-11111111-2',
			description: 'CUIL of the person who signs (CUILPersona). They approve the request with their OTP/PIN.',
			displayOptions: { show },
		},
		{
			displayName: 'Company CUIT',
			name: 'companyCuit',
			type: 'string',
			default: '',
			required: true,
			placeholder: '30-50001091-2',
			description: 'CUIT of the company the signature is made for (CUITEmpresa)',
			displayOptions: { show },
		},
	];
}

export function waitOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Signature',
			name: 'waitForSignature',
			type: 'boolean',
			default: false,
			description: 'Whether to poll the request until it is signed, expired or failed before returning',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: 'Seconds between status checks while waiting',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 300,
			description: 'How long to wait in total. The signer must approve with their OTP within this time.',
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

export interface BinaryInput {
	binary: IBinaryData;
	/** A fresh stream of the content (streamed from n8n's binary store when it keeps files outside memory). */
	open(): Promise<Readable | Buffer>;
	/** The first bytes, to check the file type before uploading. */
	head(bytes: number): Promise<Buffer>;
	buffer(): Promise<Buffer>;
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
	const open = async (): Promise<Readable | Buffer> => {
		if (binary.id) return await ctx.helpers.getBinaryStream(binary.id);
		return Buffer.from(binary.data, BINARY_ENCODING);
	};
	return {
		binary,
		open,
		buffer: async () => await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName),
		head: async (bytes: number) => {
			const source = await open();
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

export async function sftpSettings(ctx: IExecuteFunctions): Promise<FirmadorSftpSettings> {
	const c = await ctx.getCredentials('firmadorSftp');
	return {
		host: String(c.host ?? ''),
		port: Number(c.port ?? 22),
		username: String(c.username ?? ''),
		password: (c.password as string) || undefined,
		privateKey: (c.privateKey as string) || undefined,
		passphrase: (c.passphrase as string) || undefined,
		hostKeyFingerprint: (c.hostKeyFingerprint as string) || '',
		uploadFolder: String(c.uploadFolder ?? ''),
		signedFolder: String(c.signedFolder ?? ''),
	};
}

export async function withSftp<T>(ctx: IExecuteFunctions, run: (sftp: FirmadorSftp, settings: FirmadorSftpSettings) => Promise<T>): Promise<T> {
	const settings = await sftpSettings(ctx);
	const sftp = await FirmadorSftp.connect(settings);
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

/** Polls EstadoSolicitud for every id together until each is final (1, 4, 5) or the timeout passes. */
export async function waitForSessions(ctx: IExecuteFunctions, ids: string[], intervalSeconds: number, timeoutSeconds: number, chunkSize = 50): Promise<WaitResult> {
	const statuses = new Map<string, StatusEntry>();
	const started = Date.now();
	const outcome = await pollUntil(
		async () => {
			const pending = ids.filter((id) => !statuses.get(id)?.final);
			const latest = await getStatuses.call(ctx, pending, chunkSize);
			for (const [id, entry] of latest) statuses.set(id, entry);
			return ids.every((id) => statuses.get(id)?.final) ? true : undefined;
		},
		{ intervalMs: Math.max(1, intervalSeconds) * 1000, timeoutMs: Math.max(1, timeoutSeconds) * 1000 },
	);
	return { statuses, timedOut: !outcome.done, waitedMs: Date.now() - started };
}

/** The status fields an output item carries: MensajeEstado as sent plus the normalised status. */
export function statusJson(entry: StatusEntry | undefined): IDataObject {
	if (!entry) return { status: 'unknown' };
	return {
		status: entry.status,
		code: entry.code,
		final: entry.final,
		signed: entry.signed,
		...(entry.MensajeEstado !== undefined ? { MensajeEstado: entry.MensajeEstado } : {}),
		...(entry.HashFirmado !== undefined ? { HashFirmado: entry.HashFirmado } : {}),
	};
}
