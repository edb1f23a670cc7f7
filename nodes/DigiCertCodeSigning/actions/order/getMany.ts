import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { returnAllProperties } from '../../../shared/n8n/properties';
import { DAY_MS, ymd } from '../../../shared/time';
import { titleCase } from '../../../shared/titleCase';
import { containerProperty, organizationProperty, productProperty } from '../../descriptions';
import { ORDER_STATUSES } from '../../protocol/status';
import { digiCertClient, type OrderFilters } from '../../transport';
import { orderOutput } from '../common';

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
			containerProperty('Only orders in this container (division)'),
			{
				displayName: 'Expires Within (Days)',
				name: 'expiresWithinDays',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 60,
				description: 'Only orders whose certificate expires within this many days from today (filters[valid_till]=<=date)',
			},
			organizationProperty('Only orders of this organization', false),
			productProperty('Only orders of this product'),
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
	const query: OrderFilters = { status: filters.status as string | undefined, product: filters.product as string | undefined };
	for (const [name, key, label] of [
		['organization', 'organizationId', 'Organization'],
		['container', 'containerId', 'Container'],
	] as const) {
		// A resource locator ({mode, value}) in the editor; a plain ID from older JSON or an expression.
		const located = filters[name];
		const value = String((located && typeof located === 'object' ? (located as IDataObject).value : located) ?? '').trim();
		if (!value) continue;
		if (!/^[0-9]+$/.test(value)) throw inputError(this.getNode(), itemIndex, `Filters → ${label}`, `must be a number, got "${value}"`);
		query[key] = value;
	}
	if (filters.expiresWithinDays !== undefined && filters.expiresWithinDays !== '') {
		const days = Number(filters.expiresWithinDays);
		if (!Number.isInteger(days) || days < 0)
			throw inputError(this.getNode(), itemIndex, 'Filters → Expires Within (Days)', 'must be a whole number ≥ 0');
		query.validTillOnOrBefore = ymd(new Date(Date.now() + days * DAY_MS));
	}
	if (filters.search) query.search = String(filters.search);
	if (filters.sort) query.sort = String(filters.sort);
	const orders = await digiCertClient(this).listOrders(query, { returnAll, limit, itemIndex });
	const now = new Date();
	return orders.map((order) => ({ json: orderOutput(order, {}, now), pairedItem: { item: itemIndex } }));
}
