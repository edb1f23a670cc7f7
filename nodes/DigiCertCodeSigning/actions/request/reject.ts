import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { decide, decisionProperties } from './decide';

export const properties: INodeProperties[] = decisionProperties('reject');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	return await decide(this, itemIndex, 'rejected');
}
