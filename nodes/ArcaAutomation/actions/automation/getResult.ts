import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { automationOutput, fetchAutomation, waitProperties } from '../common';

const show = { resource: ['automation'], operation: ['getResult'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Automation ID',
		name: 'automationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '0d1e71e0-8882-4b14-b7f8-c5d716261760',
		description: 'The ID a previous run returned (field automationId)',
	},
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = String(this.getNodeParameter('automationId', itemIndex, '')).trim();
	if (!/^[A-Za-z0-9-]{1,100}$/.test(id)) {
		throw inputError(this.getNode(), itemIndex, 'Automation ID', id ? `"${id}" is not an automation ID` : 'is empty');
	}
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const state = await fetchAutomation(this, itemIndex, id, wait);
	return await automationOutput(this, itemIndex, state, {}, `automation_${id}`);
}
