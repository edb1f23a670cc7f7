import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { digiCertApiRequest } from '../../transport';
import { getOrder, orderIdProperty, orderOutput, readId } from '../common';

const show = { resource: ['order'], operation: ['cancel'] };

const properties: INodeProperties[] = [
	orderIdProperty('ID of the order to cancel (only pending orders can be canceled)'),
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		default: '',
		description: 'Why the order is canceled',
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const orderId = readId(this, itemIndex, 'orderId', 'Order ID');
	const note = String(this.getNodeParameter('note', itemIndex, '') ?? '');
	// Setting a status is safe to repeat, so the transport may retry it.
	await digiCertApiRequest.call(
		this,
		'PUT',
		`/order/certificate/${orderId}/status`,
		{ status: 'canceled', ...(note ? { note } : {}) },
		undefined,
		{ itemIndex },
	);
	return { json: orderOutput(await getOrder(this, orderId, itemIndex), { canceled: true }) };
}
