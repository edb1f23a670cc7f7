import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { digiCertClient, type OrderFilters } from '../../transport';
import { orderOutput } from '../common';
import { returnAllProperties } from '../../../shared/n8n/properties';
import { DAY_MS, ymd } from '../../../shared/time';
import { titleCase } from '../../../shared/titleCase';
import { ORDER_STATUSES } from '../../protocol/status';

const show = { resource: ['order'], operation: ['getMany'] };

const properties: INodeProperties[] = [
	...returnAllProperties(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Container ID', name: 'containerId', type: 'string', default: '' },
			{ displayName: 'Expires Within (Days)', name: 'expiresWithinDays', type: 'number', typeOptions: { minValue: 0 }, default: 60, description: 'Only orders whose certificate expires within this many days from today (filters[valid_till]=<=date)' },
			{ displayName: 'Organization ID', name: 'organizationId', type: 'string', default: '' },
			{
				displayName: 'Product',
				name: 'productNameId',
				type: 'options',
				options: [
					{ name: 'Code Signing (OV)', value: 'code_signing' },
					{ name: 'EV Code Signing', value: 'code_signing_ev' },
				],
				default: 'code_signing',
			},
			{ displayName: 'Search', name: 'search', type: 'string', default: '', description: 'Text to look for (common name, order ID)' },
			{
				displayName: 'Sort',
				name: 'sort',
				type: 'options',
				options: [
					{ name: 'Newest First', value: '-date_created' },
					{ name: 'Oldest First', value: 'date_created' },
					{ name: 'Expires Soonest', value: 'valid_till' },
					{ name: 'Order ID', value: 'id' },
				],
				default: 'id',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: ORDER_STATUSES.map((status) => ({ name: titleCase(status), value: status })),
				default: 'issued',
			},
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);


export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const query: OrderFilters = { status: filters.status as string | undefined, product: filters.productNameId as string | undefined };
	for (const [key, label] of [
		['organizationId', 'Organization ID'],
		['containerId', 'Container ID'],
	] as const) {
		const value = String(filters[key] ?? '').trim();
		if (!value) continue;
		if (!/^[0-9]+$/.test(value)) throw inputError(this.getNode(), itemIndex, `Filters → ${label}`, `must be a number, got "${value}"`);
		query[key] = value;
	}
	if (filters.expiresWithinDays !== undefined && filters.expiresWithinDays !== '') {
		const days = Number(filters.expiresWithinDays);
		if (!Number.isInteger(days) || days < 0) throw inputError(this.getNode(), itemIndex, 'Filters → Expires Within (Days)', 'must be a whole number ≥ 0');
		query.validTillOnOrBefore = ymd(new Date(Date.now() + days * DAY_MS));
	}
	if (filters.search) query.search = String(filters.search);
	if (filters.sort) query.sort = String(filters.sort);
	const orders = await digiCertClient(this).listOrders(query, { returnAll, limit, itemIndex });
	const now = new Date();
	return orders.map((order) => ({ json: orderOutput(order, {}, now), pairedItem: { item: itemIndex } }));
}
