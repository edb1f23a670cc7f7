import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { itemLabel, runBatched } from '../../../shared/n8n/items';
import { STATUS_IDS_PER_REQUEST, waitForSessions } from '../../transport/api';
import {
	allIds,
	chunkSizeOption,
	readSessionIds,
	readWait,
	rejectedSessionsError,
	sessionIdsField,
	statusItems,
	waitOptions,
} from '../common';

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
			...waitOptions(false),
			chunkSizeOption(),
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
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const errorOnTimeout = options.errorOnTimeout !== false;
	return await runBatched<string[]>(this, {
		batchSize: Infinity,
		prepare: async (itemIndex) => await readSessionIds(this, itemIndex),
		send: async (entries) => {
			const waited = await waitForSessions.call(
				this,
				allIds(entries),
				readWait(this, 0),
				Number(options.chunkSize ?? STATUS_IDS_PER_REQUEST),
			);
			return entries.map(({ itemIndex, payload: ids }) => {
				const refused = rejectedSessionsError(this, itemIndex, ids, waited.statuses);
				if (refused) return refused;
				const stillPending = ids.filter((id) => !waited.statuses.get(id)?.final);
				if (waited.timedOut && errorOnTimeout && stillPending.length > 0) {
					return new NodeOperationError(
						this.getNode(),
						`Not finished after ${Math.round(waited.waitedMs / 1000)} s: ${stillPending.map((id) => `${id} (${waited.statuses.get(id)?.status ?? 'unknown'})`).join(', ')} ${itemLabel(itemIndex)}`,
						{ itemIndex, description: 'Raise Timeout, or use Get Status later. The signer must approve the request with their OTP/PIN.' },
					);
				}
				return statusItems(this, itemIndex, ids, waited.statuses, (entry) => (entry && !entry.final ? { timedOut: true } : {}));
			});
		},
	});
}
