import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { orderIdProperty, readId, readOrderMaybeWaiting, waitProperties } from '../common';

const show = { resource: ['order'], operation: ['get'] };

const properties: INodeProperties[] = [orderIdProperty(), ...waitProperties()];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const orderId = readId(this, itemIndex, 'orderId', 'Order ID');
	return { json: await readOrderMaybeWaiting(this, orderId, itemIndex) };
}
