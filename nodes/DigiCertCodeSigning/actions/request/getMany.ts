import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { returnAllProperties } from '../../../shared/n8n/properties';
import { digiCertApiRequestAllItems } from '../../transport';

const show = { resource: ['request'], operation: ['getMany'] };

const properties: INodeProperties[] = [
	...returnAllProperties(),
	{
		displayName: 'Filters',
		name: 'requestFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Pending', value: 'pending' },
					{ name: 'Submitted', value: 'submitted' },
					{ name: 'Approved', value: 'approved' },
					{ name: 'Rejected', value: 'rejected' },
				],
				default: 'pending',
			},
			{
				displayName: 'Type',
				name: 'type',
				type: 'options',
				options: [
					{ name: 'New Request', value: 'new_request' },
					{ name: 'Renew', value: 'renew' },
					{ name: 'Reissue', value: 'reissue' },
					{ name: 'Revoke', value: 'revoke' },
				],
				default: 'new_request',
			},
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	const filters = this.getNodeParameter('requestFilters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.status) qs['filters[status]'] = filters.status;
	if (filters.type) qs['filters[type]'] = filters.type;
	const requests = await digiCertApiRequestAllItems.call(this, 'requests', '/request', qs, { returnAll, limit, itemIndex });
	return requests.map((request) => ({
		json: {
			requestId: request.id,
			status: request.status,
			type: request.type,
			orderId: (request.order as IDataObject | undefined)?.id ?? null,
			...request,
		},
		pairedItem: { item: itemIndex },
	}));
}
