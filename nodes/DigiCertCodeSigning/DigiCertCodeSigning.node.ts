import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import * as order from './actions/order';
import * as certificate from './actions/certificate';
import * as request from './actions/request';
import { route, type OperationMap } from '../shared/n8n/router';

import { listSearch } from './methods/listSearch';

const operations: OperationMap = {
	order: order.operations,
	certificate: certificate.operations,
	request: request.operations,
};

export class DigiCertCodeSigning implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DigiCert Code Signing',
		name: 'digiCertCodeSigning',
		icon: { light: 'file:digicert.svg', dark: 'file:digicert.dark.svg' },
		group: ['transform'],
		version: 1,
		// The chosen operation's action text (test/unit/router.test.ts keeps it in step with the Operation fields).
		subtitle:
			'={{ ({"order:cancel":"Cancel an order","order:create":"Create an order","order:findByReference":"Find orders by reference","order:get":"Get an order","order:getMany":"Get many orders","order:reissue":"Reissue an order","order:renew":"Renew an order","certificate:download":"Download a certificate","certificate:revoke":"Revoke a certificate","request:approve":"Approve a request","request:getMany":"Get many requests","request:reject":"Reject a request"})[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description: 'Order, renew, download and revoke DigiCert CertCentral code-signing certificates',
		defaults: { name: 'DigiCert Code Signing' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'digiCertApi', required: true }],
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
