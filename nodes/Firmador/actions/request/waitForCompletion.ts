import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { waitOptions } from '../common';
import { STATUS_IDS_PER_REQUEST } from '../../transport/api';
import { executeWait, sessionIdsField } from './getStatus';

const show = { resource: ['request'], operation: ['waitForCompletion'] };

const properties: INodeProperties[] = [
	sessionIdsField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...waitOptions().filter((p) => p.name !== 'waitForCompletion'),
			{
				displayName: 'IDs per Request',
				name: 'chunkSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: STATUS_IDS_PER_REQUEST,
				description: 'Most session IDs asked for in one status request (36 keeps the URL under IIS\'s 2,048-character query limit)',
			},
			{
				displayName: 'Error on Timeout',
				name: 'errorOnTimeout',
				type: 'boolean',
				default: true,
				description: 'Whether items whose requests are still pending at the timeout fail (otherwise they are returned with timedOut: true)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeWait.call(this);
}
