import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { OPERATION_SUBTITLE, route } from '../shared/n8n/router';
import { certificate, operations, order, request } from './actions';
import { listSearch } from './methods';

export class DigiCertCodeSigning implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DigiCert Code Signing',
		name: 'digiCertCodeSigning',
		icon: { light: 'file:../../icons/digicert.svg', dark: 'file:../../icons/digicert.dark.svg' },
		group: ['transform'],
		// An array from the start: a v2 adds its number here. (The description stays in this file: n8n's scanner reads
		// the icon and the credentials from the node class itself.)
		version: [1],
		// Used as given by n8n's Docs link (the codex URL gets ?utm_… appended, which would break a #section).
		documentationUrl: 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign#digicert-code-signing',
		subtitle: OPERATION_SUBTITLE,
		description: 'Order, renew, download and revoke DigiCert CertCentral code-signing certificates',
		defaults: { name: 'DigiCert Code Signing' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'digiCertApi', displayName: 'DigiCert API', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Certificate', value: 'certificate' },
					{ name: 'Order', value: 'order' },
					{ name: 'Request', value: 'request' },
				],
				default: 'order',
			},
			...order.description,
			...certificate.description,
			...request.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await route(this, operations)];
	}
}
