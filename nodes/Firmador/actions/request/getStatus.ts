import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { runBatched } from '../../../shared/n8n/items';
import { getStatuses, STATUS_IDS_PER_REQUEST } from '../../transport/api';
import { allIds, chunkSizeOption, readSessionIds, sessionIdsField, statusItems } from '../common';

const properties: INodeProperties[] = [
	sessionIdsField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [chunkSizeOption()],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['request'], operation: ['getStatus'] } }, properties);

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	return await runBatched<string[]>(this, {
		batchSize: Infinity,
		prepare: async (itemIndex) => await readSessionIds(this, itemIndex),
		send: async (entries) => {
			const statuses = await getStatuses.call(this, allIds(entries), Number(options.chunkSize ?? STATUS_IDS_PER_REQUEST));
			return entries.map((entry) => statusItems(this, entry.itemIndex, entry.payload, statuses));
		},
	});
}
