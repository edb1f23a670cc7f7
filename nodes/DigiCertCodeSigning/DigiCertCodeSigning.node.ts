import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../shared/n8n/items';
import { checkOptionValues } from '../shared/n8n/optionValues';
import * as downloadCertificate from './actions/certificate/download';
import * as revokeCertificate from './actions/certificate/revoke';
import * as cancelOrder from './actions/order/cancel';
import * as createOrder from './actions/order/create';
import * as findByReference from './actions/order/findByReference';
import * as getOrder from './actions/order/get';
import * as getManyOrders from './actions/order/getMany';
import * as reissueOrder from './actions/order/reissue';
import * as renewOrder from './actions/order/renew';
import * as approveRequest from './actions/request/approve';
import * as getManyRequests from './actions/request/getMany';
import * as rejectRequest from './actions/request/reject';
import { containerChoices, organizationChoices } from './accountLists';

type Operation = {
	properties: unknown;
	execute: (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>;
};

const operations: Record<string, Record<string, Operation>> = {
	order: {
		create: createOrder,
		renew: renewOrder,
		reissue: reissueOrder,
		get: getOrder,
		getMany: getManyOrders,
		cancel: cancelOrder,
		findByReference,
	},
	certificate: { download: downloadCertificate, revoke: revokeCertificate },
	request: { getMany: getManyRequests, approve: approveRequest, reject: rejectRequest },
};

export class DigiCertCodeSigning implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DigiCert Code Signing',
		name: 'digiCertCodeSigning',
		icon: { light: 'file:digicert.svg', dark: 'file:digicert.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
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
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['order'] } },
				options: [
					{ name: 'Cancel', value: 'cancel', action: 'Cancel an order', description: 'Cancel a pending order' },
					{ name: 'Create', value: 'create', action: 'Create an order', description: 'Order a code-signing certificate (OV or EV)' },
					{ name: 'Find by Reference', value: 'findByReference', action: 'Find orders by reference', description: 'Look an order up by its alternative order ID' },
					{ name: 'Get', value: 'get', action: 'Get an order', description: 'Read an order, optionally waiting until it is issued' },
					{ name: 'Get Many', value: 'getMany', action: 'Get many orders', description: 'List orders with filters' },
					{ name: 'Reissue', value: 'reissue', action: 'Reissue an order', description: 'Reissue an issued order with a new CSR' },
					{ name: 'Renew', value: 'renew', action: 'Renew an order', description: 'Place the renewal order of an existing order' },
				],
				default: 'create',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['certificate'] } },
				options: [
					{ name: 'Download', value: 'download', action: 'Download a certificate', description: 'Download the certificate as a file' },
					{ name: 'Revoke', value: 'revoke', action: 'Revoke a certificate', description: 'Revoke a certificate (needs explicit confirmation)' },
				],
				default: 'download',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['request'] } },
				options: [
					{ name: 'Approve', value: 'approve', action: 'Approve a request', description: 'Approve a pending request' },
					{ name: 'Get Many', value: 'getMany', action: 'Get many requests', description: 'List requests' },
					{ name: 'Reject', value: 'reject', action: 'Reject a request', description: 'Reject a pending request with a comment' },
				],
				default: 'getMany',
			},
			...createOrder.properties,
			...renewOrder.properties,
			...reissueOrder.properties,
			...getOrder.properties,
			...getManyOrders.properties,
			...cancelOrder.properties,
			...findByReference.properties,
			...downloadCertificate.properties,
			...revokeCertificate.properties,
			...getManyRequests.properties,
			...approveRequest.properties,
			...rejectRequest.properties,
		],
	};

	methods = {
		listSearch: {
			async searchOrganizations(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				return { results: await organizationChoices(this, filter) };
			},
			async searchContainers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				return { results: await containerChoices(this, filter) };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			await runPerItem(this, async (itemIndex) => {
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const action = operations[resource]?.[operation];
				if (!action) {
					throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`, { itemIndex });
				}
				checkOptionValues(this, itemIndex, action.properties as INodeProperties[]);
				return await action.execute.call(this, itemIndex);
			}),
		];
	}
}
