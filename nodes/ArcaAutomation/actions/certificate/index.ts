import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as create from './create';

export const operations = { create };

export const description: INodeProperties[] = [
	operationField(
		'certificate',
		[
			{
				name: 'Create',
				value: 'create',
				action: 'Create a certificate',
				description: 'Create a certificate and its private key for ARCA web services (create-cert-dev / create-cert-prod)',
			},
		],
		'create',
	),
	...create.description,
];
