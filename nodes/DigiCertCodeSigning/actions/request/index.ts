import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as approve from './approve';
import * as getMany from './getMany';
import * as reject from './reject';

export const operations = { approve, getMany, reject };

export const description: INodeProperties[] = [
	operationField(
		'request',
		[
			{ name: 'Approve', value: 'approve', action: 'Approve a request', description: 'Approve a pending request' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many requests', description: 'List requests' },
			{ name: 'Reject', value: 'reject', action: 'Reject a request', description: 'Reject a pending request with a comment' },
		],
		'getMany',
	),
	...approve.description,
	...getMany.description,
	...reject.description,
];
