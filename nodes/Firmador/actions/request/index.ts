import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as getStatus from './getStatus';
import * as waitForCompletion from './waitForCompletion';

export const operations = { getStatus, waitForCompletion };

export const description: INodeProperties[] = [
	operationField(
		'request',
		[
			{ name: 'Get Status', value: 'getStatus', description: 'Current state of signing requests', action: 'Get the status of requests' },
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				description: 'Poll requests until each is signed, expired or failed',
				action: 'Wait for requests to complete',
			},
		],
		'getStatus',
	),
	...getStatus.description,
	...waitForCompletion.description,
];
