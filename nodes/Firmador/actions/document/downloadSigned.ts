import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { inputError, runBatched } from '../../../shared/n8n/items';
import { checkRemoteFileName, fillNamePattern, remotePath, RemotePathError, resolveRemoteFolder } from '../../protocol/paths';
import type { FirmadorSftp } from '../../transport/sftp';
import { sftpSettings, withSftp } from '../../transport/sftpSession';
import { sha1Counter } from '../../transport/sha1Counter';

const show = { resource: ['document'], operation: ['downloadSigned'] };

const properties: INodeProperties[] = [
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '={{ $json.fileName }}',
		required: true,
		description: 'Name of the PDF as it was uploaded for signing (the Sign operation outputs it as fileName)',
	},
	{
		displayName: 'Signed File Name',
		name: 'signedFileName',
		type: 'string',
		default: '{name}',
		description:
			'Name of the signed copy on the server. {name} = the uploaded file name, {base} = it without .pdf (e.g. {base}_firmado.pdf). The provider does not document it: ask them.',
	},
	{
		displayName: 'Signed Folder',
		name: 'signedFolder',
		type: 'string',
		default: '',
		description:
			"Remote folder of the signed copies: a folder below the Signed Folder of the SFTP credential (relative, or absolute inside it). Empty: the credential's Signed Folder.",
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field the signed PDF goes into',
	},
];

export const description = updateDisplayOptions({ show }, properties);

interface Prepared {
	fileName: string;
	signedName: string;
	remotePath: string;
	property: string;
}

/** A path check whose RemotePathError becomes an input error naming the field and the item. */
function checked(ctx: IExecuteFunctions, itemIndex: number, field: string, run: () => string): string {
	let problem: string | undefined;
	let value = '';
	try {
		value = run();
	} catch (error) {
		problem = error instanceof RemotePathError ? error.message : String((error as Error)?.message ?? error);
	}
	if (problem !== undefined) throw inputError(ctx.getNode(), itemIndex, field, problem);
	return value;
}

/** Every item's remote path is resolved and checked (inside the credential's Signed Folder) before connecting. */
export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	let settings: Awaited<ReturnType<typeof sftpSettings>> | undefined;
	let settingsError: unknown;
	let sftp: FirmadorSftp | undefined;
	try {
		settings = await sftpSettings(this);
	} catch (error) {
		settingsError = error;
	}
	return await runBatched<Prepared, INodeExecutionData>(this, {
		batchSize: 1,
		prepare: async (itemIndex) => {
			if (!settings) throw settingsError;
			const raw = String(this.getNodeParameter('fileName', itemIndex, '') ?? '');
			if (!raw.trim()) throw inputError(this.getNode(), itemIndex, 'File Name', 'is empty');
			const fileName = checked(this, itemIndex, 'File Name', () => checkRemoteFileName(raw.trim()));
			const pattern = String(this.getNodeParameter('signedFileName', itemIndex, '{name}') ?? '') || '{name}';
			const signedName = checked(this, itemIndex, 'Signed File Name', () =>
				checkRemoteFileName(fillNamePattern(pattern, { name: fileName, base: fileName.replace(/\.pdf$/i, '') })),
			);
			const folder = checked(this, itemIndex, 'Signed Folder', () =>
				resolveRemoteFolder(settings!.signedFolder, String(this.getNodeParameter('signedFolder', itemIndex, '') ?? '')),
			);
			const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
			if (!property) throw inputError(this.getNode(), itemIndex, 'Put Output File in Field', 'is empty');
			return { fileName, signedName, remotePath: remotePath(folder, signedName), property };
		},
		around: async (work) =>
			await withSftp(
				this,
				async (client) => {
					sftp = client;
					return await work();
				},
				settings,
			),
		stage: async ({ itemIndex, payload }) => {
			// Streamed: with binary data on disk, a large signed PDF never sits whole in memory.
			const counter = sha1Counter();
			const [binary] = await Promise.all([
				this.helpers.prepareBinaryData(counter.stream, payload.signedName, 'application/pdf'),
				sftp!.downloadTo(payload.remotePath, counter.stream),
			]);
			const item = this.getInputData()[itemIndex];
			return {
				json: {
					...item.json,
					signedFileName: payload.signedName,
					remotePath: payload.remotePath,
					size: counter.size,
					hash: counter.sha1(),
				},
				binary: { ...(item.binary ?? {}), [payload.property]: binary },
			};
		},
		send: async (entries) => entries.map((entry) => entry.payload),
	});
}
