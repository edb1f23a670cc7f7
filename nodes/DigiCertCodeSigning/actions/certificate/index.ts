import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as download from './download';
import * as revoke from './revoke';

export const operations = { download, revoke };

export const description: INodeProperties[] = [
	operationField(
		'certificate',
		[
			{ name: 'Download', value: 'download', action: 'Download a certificate', description: 'Download the certificate as a file' },
			{
				name: 'Revoke',
				value: 'revoke',
				action: 'Revoke a certificate',
				description: 'Revoke a certificate (needs explicit confirmation)',
			},
		],
		'download',
	),
	...download.description,
	...revoke.description,
];
