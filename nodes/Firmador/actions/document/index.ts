import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as downloadSigned from './downloadSigned';
import * as sign from './sign';
import * as verify from './verify';

export const operations = { downloadSigned, sign, verify };

export const description: INodeProperties[] = [
	operationField(
		'document',
		[
			{
				name: 'Download Signed',
				value: 'downloadSigned',
				description: 'Fetch the signed copy of a PDF by SFTP',
				action: 'Download a signed document',
			},
			{ name: 'Sign', value: 'sign', description: 'Upload PDFs by SFTP and ask for their signature', action: 'Sign a document' },
			{
				name: 'Verify',
				value: 'verify',
				description: 'Check the signatures of any PDF (no credential needed)',
				action: 'Verify a signed document',
			},
		],
		'sign',
	),
	...downloadSigned.description,
	...sign.description,
	...verify.description,
];
