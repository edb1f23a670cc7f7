import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as getSigned from './getSigned';
import * as sign from './sign';

export const operations = { getSigned, sign };

export const description: INodeProperties[] = [
	operationField(
		'xml',
		[
			{ name: 'Get Signed', value: 'getSigned', description: 'Read the signed XML documents of a request', action: 'Get signed XML' },
			{ name: 'Sign', value: 'sign', description: 'Ask for the signature of XML documents', action: 'Sign XML' },
		],
		'sign',
	),
	...getSigned.description,
	...sign.description,
];
