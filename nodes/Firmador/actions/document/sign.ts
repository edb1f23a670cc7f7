import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError, itemLabel } from '../../../shared/n8n/items';
import { checkRemoteFileName, remotePath, RemotePathError, resolveRemoteFolder } from '../../protocol/paths';
import type { FirmadorSftp } from '../../transport/sftp';
import { sftpSettings, withSftp } from '../../transport/sftpSession';
import {
	batchOptions,
	binaryInput,
	checkApiCredential,
	signerFields,
	validatedPerson,
	waitField,
	waitOptions,
	type BinaryInput,
} from '../common';
import { runSignFlow } from '../signFlow';

const show = { resource: ['document'], operation: ['sign'] };

/** Documents uploaded at once on the execution's one SFTP connection (their round trips overlap). */
const UPLOAD_CONCURRENCY = 8;

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field that holds the PDF',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'contract.pdf',
		description: 'Name the PDF gets in the upload folder. Empty: the name of the binary file.',
	},
	...signerFields(),
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		placeholder: 'Conforme',
		description: 'Reason for signing written into the signature (Razon)',
	},
	{
		displayName: 'Visible Signature',
		name: 'visible',
		type: 'boolean',
		default: false,
		description: 'Whether the signature is drawn on a page of the PDF',
	},
	{
		displayName: 'Page',
		name: 'page',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		description: 'Page number where the signature is drawn (NumeroPagina, first page = 1)',
		displayOptions: { show: { visible: [true] } },
	},
	{
		displayName: 'X',
		name: 'x',
		type: 'number',
		default: 0,
		description: 'Horizontal position of the signature box (CoordenadaX), in PDF points',
		displayOptions: { show: { visible: [true] } },
	},
	{
		displayName: 'Y',
		name: 'y',
		type: 'number',
		default: 0,
		description: 'Vertical position of the signature box (CoordenadaY), in PDF points',
		displayOptions: { show: { visible: [true] } },
	},
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		default: 150,
		description: 'Width of the signature box (Ancho)',
		displayOptions: { show: { visible: [true] } },
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		default: 50,
		description: 'Height of the signature box (Alto)',
		displayOptions: { show: { visible: [true] } },
	},
	waitField(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...batchOptions(),
			{
				displayName: 'Upload Folder',
				name: 'uploadFolder',
				type: 'string',
				default: '',
				description:
					"Remote folder for the PDFs: a folder below the Upload Folder of the SFTP credential (relative, or absolute inside it). Empty: the credential's Upload Folder.",
			},
			{
				displayName: 'Replace Existing File',
				name: 'overwrite',
				type: 'boolean',
				default: false,
				description:
					'Whether an upload may replace a file of the same name already in the upload folder (otherwise the item fails and the file is left as it is)',
			},
			...waitOptions(),
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

interface Prepared {
	person: { cuil: string; cuit: string };
	fileName: string;
	folder: string;
	overwrite: boolean;
	input: BinaryInput;
	archivo: IDataObject;
}

interface Staged extends Prepared {
	hash: string;
	size: number;
	remotePath: string;
}

function coordinate(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string, min: number, integer = false): number {
	const raw = ctx.getNodeParameter(name, itemIndex, undefined) as unknown;
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value))
		throw inputError(ctx.getNode(), itemIndex, label, 'is required for a visible signature');
	if (value < min || (integer && !Number.isInteger(value)))
		throw inputError(ctx.getNode(), itemIndex, label, `must be ${integer ? 'a whole number ' : ''}≥ ${min}, got ${value}`);
	return value;
}

function uploadFileName(ctx: IExecuteFunctions, itemIndex: number, name: string): string {
	if (!name.trim()) throw inputError(ctx.getNode(), itemIndex, 'File Name', 'is empty and the binary data has no file name');
	try {
		return checkRemoteFileName(name.trim());
	} catch (error) {
		throw inputError(ctx.getNode(), itemIndex, 'File Name', (error as RemotePathError).message);
	}
}

/** Every parameter is checked before the binary data is read, so the item's first problem is a field's. */
async function prepare(this: IExecuteFunctions, itemIndex: number, baseFolder: string): Promise<Prepared> {
	const itemOptions = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	let folder: string;
	try {
		folder = resolveRemoteFolder(baseFolder, String(itemOptions.uploadFolder ?? ''));
	} catch (error) {
		throw inputError(this.getNode(), itemIndex, 'Options → Upload Folder', (error as RemotePathError).message);
	}
	const person = validatedPerson(this, itemIndex);
	const givenName = String(this.getNodeParameter('fileName', itemIndex, '') ?? '');
	if (givenName.trim()) uploadFileName(this, itemIndex, givenName);
	const archivo: IDataObject = {};
	const reason = String(this.getNodeParameter('reason', itemIndex, '') ?? '').trim();
	if (reason) archivo.Razon = reason;
	const visible = this.getNodeParameter('visible', itemIndex, false) as boolean;
	if (visible) {
		archivo.CoordenadaX = coordinate(this, itemIndex, 'x', 'X', 0);
		archivo.CoordenadaY = coordinate(this, itemIndex, 'y', 'Y', 0);
		archivo.Ancho = coordinate(this, itemIndex, 'width', 'Width', 1);
		archivo.Alto = coordinate(this, itemIndex, 'height', 'Height', 1);
		archivo.NumeroPagina = coordinate(this, itemIndex, 'page', 'Page', 1, true);
	}
	archivo.Visible = visible;
	await checkApiCredential(this, itemIndex);
	const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const input = binaryInput(this, itemIndex, property);
	const head = await input.head(5);
	if (head.toString('latin1') !== '%PDF-') {
		throw inputError(this.getNode(), itemIndex, 'Input Binary Field', `"${property}" is not a PDF (it does not start with %PDF-)`);
	}
	const fileName = uploadFileName(this, itemIndex, givenName.trim() ? givenName : input.binary.fileName || '');
	// NombreArchivo first, as in the seed's example.
	return { person, fileName, folder, overwrite: itemOptions.overwrite === true, input, archivo: { NombreArchivo: fileName, ...archivo } };
}

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	let sftp: FirmadorSftp | undefined;
	// The credential is read (and its folders checked) before any item: a bad credential fails every item alike.
	let settings: Awaited<ReturnType<typeof sftpSettings>> | undefined;
	let settingsError: unknown;
	try {
		settings = await sftpSettings(this);
	} catch (error) {
		settingsError = error;
	}
	// Two items may not upload to the same remote path in one run: the second would replace the first. Paths
	// are compared as a case-insensitive server (Windows, macOS) and Unicode's two spellings of é see them.
	const claimed = new Map<string, number>();
	const claimKey = (target: string) => target.normalize('NFC').toLowerCase();
	return await runSignFlow<Prepared, Staged>(this, {
		single: {
			path: '/api/Firmador',
			body: (person, staged) => ({ CUILPersona: person.cuil, ...staged.archivo, HashArchivo: staged.hash, CUITEmpresa: person.cuit }),
		},
		batch: {
			path: '/api/FirmadorMasivo',
			key: 'Archivos',
			entry: (staged) => ({ NombreArchivo: staged.fileName, HashArchivo: staged.hash, ...staged.archivo }),
		},
		prepare: async (itemIndex, signer) => {
			if (!settings) throw settingsError;
			const prepared = await prepare.call(this, itemIndex, settings.uploadFolder);
			const target = remotePath(prepared.folder, prepared.fileName);
			const earlier = claimed.get(claimKey(target));
			if (earlier !== undefined) {
				throw inputError(
					this.getNode(),
					itemIndex,
					'File Name',
					`"${prepared.fileName}" is also uploaded by ${itemLabel(earlier)} to ${target}; give each item its own name`,
				);
			}
			signer(prepared.person);
			claimed.set(claimKey(target), itemIndex);
			return prepared;
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
		stageConcurrency: UPLOAD_CONCURRENCY,
		stage: async ({ payload }) => {
			const uploaded = await sftp!.upload(await payload.input.open(), payload.folder, payload.fileName, { overwrite: payload.overwrite });
			return { ...payload, hash: uploaded.sha1, size: uploaded.size, remotePath: uploaded.remotePath };
		},
		output: (staged) => ({ fileName: staged.fileName, hash: staged.hash, size: staged.size, remotePath: staged.remotePath }),
	});
}
