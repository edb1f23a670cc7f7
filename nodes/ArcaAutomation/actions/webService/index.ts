import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as authorize from './authorize';

export const operations = { authorize };

export const description: INodeProperties[] = [
	operationField(
		'webService',
		[
			{
				name: 'Authorize',
				value: 'authorize',
				action: 'Authorize a web service',
				description: 'Allow a certificate alias to use an ARCA web service (auth-web-service-dev / -prod)',
			},
		],
		'authorize',
	),
	...authorize.description,
];
