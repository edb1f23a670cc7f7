import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { digiCertClient } from '../../transport';
import { getOrder, orderOutput } from '../common';

const show = { resource: ['order'], operation: ['findByReference'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Reference (Alternative Order ID)',
		name: 'alternativeOrderId',
		type: 'string',
		required: true,
		default: '',
		description:
			'The reference given when the order was placed (Reference field of Order → Create or Renew; DigiCert calls it alternative order ID)',
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const reference = String(this.getNodeParameter('alternativeOrderId', itemIndex, '') ?? '').trim();
	if (!reference) throw inputError(this.getNode(), itemIndex, 'Reference (Alternative Order ID)', 'is required');
	const rows = await digiCertClient(this).findOrdersByReference(reference, itemIndex);
	if (rows.length === 0) return [{ json: { found: false, alternativeOrderId: reference }, pairedItem: { item: itemIndex } }];
	const output: INodeExecutionData[] = [];
	for (const row of rows) {
		const order = await getOrder(this, row.order_id, itemIndex);
		output.push({ json: { found: true, ...orderOutput(order, { alternativeOrderId: reference }) }, pairedItem: { item: itemIndex } });
	}
	return output;
}
