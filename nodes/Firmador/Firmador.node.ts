import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { OPERATION_SUBTITLE, route } from '../shared/n8n/router';
import { document, hash, operations, request, xml } from './actions';
import { credentialTest } from './methods';
import { takeWarnings } from './transport/sftpSession';

export class Firmador implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Firmador',
		name: 'firmador',
		icon: { light: 'file:../../icons/firmador.svg', dark: 'file:../../icons/firmador.dark.svg' },
		group: ['transform'],
		// An array from the start: a v2 adds its number here. (The description stays in this file: n8n's scanner reads
		// the icon and the credentials' testedBy from the node class itself.)
		version: [1],
		// Used as given by n8n's Docs link (the codex URL gets ?utm_… appended, which would break a #section).
		documentationUrl: 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign#firmador',
		subtitle: OPERATION_SUBTITLE,
		description: 'Sign PDFs, hashes and XML with the Firmador remote-signing service (HMAC API + SFTP)',
		defaults: { name: 'Firmador' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'firmadorApi',
				displayName: 'Firmador API',
				required: true,
				testedBy: 'firmadorApiTest',
				// Download Signed uses only SFTP; Verify needs no credential at all.
				displayOptions: { hide: { operation: ['downloadSigned', 'verify'] } },
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- the name is fixed by the product spec
				name: 'firmadorSftp',
				displayName: 'Firmador SFTP',
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

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output = await route(this, operations);
		const warnings = takeWarnings(this);
		if (warnings.length === 0) return [output];
		return [output.map((item) => ({ ...item, json: { ...item.json, warnings } }))];
	}
}
