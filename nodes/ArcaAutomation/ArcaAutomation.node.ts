import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { OPERATION_SUBTITLE, route } from '../shared/n8n/router';
import { automation, certificate, operations, webService } from './actions';
import { credentialTest } from './methods';

export class ArcaAutomation implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ARCA Automation',
		name: 'arcaAutomation',
		icon: { light: 'file:../../icons/arca.svg', dark: 'file:../../icons/arca.dark.svg' },
		group: ['transform'],
		// An array from the start: a v2 adds its number here. (The description stays in this file: n8n's scanner reads
		// the icon and the credentials' testedBy from the node class itself.)
		version: [1],
		// Used as given by n8n's Docs link (the codex URL gets ?utm_… appended, which would break a #section).
		documentationUrl: 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign#arca-automation',
		subtitle: OPERATION_SUBTITLE,
		description: 'Create ARCA (ex AFIP) certificates, authorize web services, get access tickets and call ARCA web services',
		defaults: { name: 'ARCA Automation' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// A ticket directly from ARCA (WSAA) needs no Afip SDK account.
			{
				name: 'afipSdkApi',
				displayName: 'Afip SDK API',
				required: true,
				testedBy: 'afipSdkApiTest',
				displayOptions: { hide: { source: ['wsaa'] } },
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
				name: 'arcaLogin',
				displayName: 'ARCA Login',
				required: true,
				testedBy: 'arcaLoginTest',
				// Every automation that logs in to ARCA needs it; reading a result and the web-service calls do not.
				displayOptions: { hide: { operation: ['getResult', 'call', 'getAccessTicket', 'getLastRequestXml'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Automation', value: 'automation' },
					{ name: 'Certificate', value: 'certificate' },
					{ name: 'Web Service', value: 'webService' },
				],
				default: 'certificate',
			},
			...certificate.description,
			...webService.description,
			...automation.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await route(this, operations)];
	}
}
