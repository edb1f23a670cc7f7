import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import * as documentSign from './actions/document/sign';
import * as documentDownloadSigned from './actions/document/downloadSigned';
import * as hashSign from './actions/hash/sign';
import * as hashGetSigned from './actions/hash/getSigned';
import * as xmlSign from './actions/xml/sign';
import * as xmlGetSigned from './actions/xml/getSigned';
import * as requestGetStatus from './actions/request/getStatus';
import * as requestWait from './actions/request/waitForCompletion';
import { FirmadorSftp, SftpError } from './transport/sftp';
import { sftpSettingsFrom, takeWarnings } from './actions/common';

type Handler = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

const HANDLERS: Record<string, Record<string, Handler>> = {
	document: { sign: documentSign.execute, downloadSigned: documentDownloadSigned.execute },
	hash: { sign: hashSign.execute, getSigned: hashGetSigned.execute },
	xml: { sign: xmlSign.execute, getSigned: xmlGetSigned.execute },
	request: { getStatus: requestGetStatus.execute, waitForCompletion: requestWait.execute },
};

const operations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['document'] } },
		options: [
			{ name: 'Download Signed', value: 'downloadSigned', description: 'Fetch the signed copy of a PDF by SFTP', action: 'Download a signed document' },
			{ name: 'Sign', value: 'sign', description: 'Upload PDFs by SFTP and ask for their signature', action: 'Sign a document' },
		],
		default: 'sign',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['hash'] } },
		options: [
			{ name: 'Get Signed', value: 'getSigned', description: 'Read the signed hashes of a request', action: 'Get signed hashes' },
			{ name: 'Sign', value: 'sign', description: 'Ask for the signature of SHA-1 hashes', action: 'Sign a hash' },
		],
		default: 'sign',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['xml'] } },
		options: [
			{ name: 'Get Signed', value: 'getSigned', description: 'Read the signed XML documents of a request', action: 'Get signed XML' },
			{ name: 'Sign', value: 'sign', description: 'Ask for the signature of XML documents', action: 'Sign XML' },
		],
		default: 'sign',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['request'] } },
		options: [
			{ name: 'Get Status', value: 'getStatus', description: 'Current state of signing requests', action: 'Get the status of requests' },
			{ name: 'Wait for Completion', value: 'waitForCompletion', description: 'Poll requests until each is signed, expired or failed', action: 'Wait for requests to complete' },
		],
		default: 'getStatus',
	},
];

export class Firmador implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Firmador',
		name: 'firmador',
		icon: { light: 'file:firmador.svg', dark: 'file:firmador.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Sign PDFs, hashes and XML with the Firmador remote-signing service (HMAC API + SFTP)',
		defaults: { name: 'Firmador' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'firmadorApi',
				required: true,
				displayOptions: { hide: { operation: ['downloadSigned'] } },
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- the name is fixed by the product spec
				name: 'firmadorSftp',
				required: true,
				testedBy: 'firmadorSftpTest',
				displayOptions: { show: { resource: ['document'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Document (PDF)', value: 'document' },
					{ name: 'Hash', value: 'hash' },
					{ name: 'Request', value: 'request' },
					{ name: 'XML', value: 'xml' },
				],
				default: 'document',
			},
			...operations,
			...documentSign.properties,
			...documentDownloadSigned.properties,
			...hashSign.properties,
			...hashGetSigned.properties,
			...xmlSign.properties,
			...xmlGetSigned.properties,
			...requestGetStatus.properties,
			...requestWait.properties,
		],
	};

	methods = {
		credentialTest: {
			async firmadorSftpTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const c = credential.data ?? {};
				let sftp: FirmadorSftp | undefined;
				try {
					const settings = sftpSettingsFrom(c);
					sftp = await FirmadorSftp.connect(settings, { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 });
					for (const [label, folder] of [
						['Upload Folder', settings.uploadFolder],
						['Signed Folder', settings.signedFolder],
					] as const) {
						if (folder && !(await sftp.folderExists(folder))) {
							return { status: 'Error', message: `Connected, but the ${label} ${folder} does not exist on the server` };
						}
					}
					const verified = sftp.hostKeyUnverified ? 'host key NOT verified (Accept Any Host Key is on)' : 'host key verified';
					return { status: 'OK', message: `Connection successful, ${verified}` };
				} catch (error) {
					const message = error instanceof SftpError ? error.message : `SFTP connection failed: ${(error as Error).message}`;
					return { status: 'Error', message };
				} finally {
					await sftp?.end();
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = HANDLERS[resource]?.[operation];
		if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
		// SFTP failures reach each item through the per-item mechanism; this only catches one that escaped it.
		const output = await handler.call(this).catch(async (error: Error) => {
			if (error instanceof SftpError) throw new NodeOperationError(this.getNode(), error.message, { description: error.description, itemIndex: 0 });
			return await Promise.reject(error);
		});
		const warnings = takeWarnings(this);
		if (warnings.length === 0) return [output];
		return [output.map((item) => ({ ...item, json: { ...item.json, warnings } }))];
	}
}
