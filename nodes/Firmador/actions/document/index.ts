import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as downloadSigned from './downloadSigned';
import * as sign from './sign';

export const operations = { downloadSigned, sign };

export const description: INodeProperties[] = [
	operationField(
		'document',
		[
			{ name: 'Download Signed', value: 'downloadSigned', description: 'Fetch the signed copy of a PDF by SFTP', action: 'Download a signed document' },
			{ name: 'Sign', value: 'sign', description: 'Upload PDFs by SFTP and ask for their signature', action: 'Sign a document' },
		],
		'sign',
	),
	...downloadSigned.description,
	...sign.description,
];
