import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { decide, decisionDescription } from './decide';

export const description = decisionDescription('reject');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	return await decide(this, itemIndex, 'rejected');
}
