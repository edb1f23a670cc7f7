import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import * as document from './actions/document';
import * as hash from './actions/hash';
import * as xml from './actions/xml';
import * as request from './actions/request';
import { route, type OperationMap } from '../shared/n8n/router';
import { SftpError } from './transport/sftp';
import { takeWarnings } from './actions/common';
import { firmadorApiTest, firmadorSftpTest } from './methods/credentialTest';

const operations: OperationMap = {
	document: document.operations,
	hash: hash.operations,
	xml: xml.operations,
	request: request.operations,
};

export class Firmador implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Firmador',
		name: 'firmador',
		icon: { light: 'file:firmador.svg', dark: 'file:firmador.dark.svg' },
		group: ['transform'],
		version: 1,
		// The chosen operation's action text (test/unit/router.test.ts keeps it in step with the Operation fields).
		subtitle:
			'={{ ({"document:downloadSigned":"Download a signed document","document:sign":"Sign a document","document:verify":"Verify a signed document","hash:getSigned":"Get signed hashes","hash:sign":"Sign a hash","xml:getSigned":"Get signed XML","xml:sign":"Sign XML","request:getStatus":"Get the status of requests","request:waitForCompletion":"Wait for requests to complete"})[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description: 'Sign PDFs, hashes and XML with the Firmador remote-signing service (HMAC API + SFTP)',
		defaults: { name: 'Firmador' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'firmadorApi',
				required: true,
				testedBy: 'firmadorApiTest',
				// Download Signed uses only SFTP; Verify needs no credential at all.
				displayOptions: { hide: { operation: ['downloadSigned', 'verify'] } },
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- the name is fixed by the product spec
				name: 'firmadorSftp',
				required: true,
				testedBy: 'firmadorSftpTest',
				displayOptions: { show: { resource: ['document'], operation: ['sign', 'downloadSigned'] } },
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
			...document.description,
			...hash.description,
			...xml.description,
			...request.description,
		],
	};

	methods = {
		credentialTest: { firmadorApiTest, firmadorSftpTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// SFTP failures reach each item through the per-item mechanism; this only catches one that escaped it.
		const output = await route(this, operations).catch(async (error: Error) => {
			if (error instanceof SftpError) throw new NodeOperationError(this.getNode(), error.message, { description: error.description, itemIndex: 0 });
			return await Promise.reject(error);
		});
		const warnings = takeWarnings(this);
		if (warnings.length === 0) return [output];
		return [output.map((item) => ({ ...item, json: { ...item.json, warnings } }))];
	}
}
