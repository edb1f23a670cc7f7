import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as getSigned from './getSigned';
import * as sign from './sign';

export const operations = { getSigned, sign };

export const description: INodeProperties[] = [
	operationField(
		'hash',
		[
			{ name: 'Get Signed', value: 'getSigned', description: 'Read the signed hashes of a request', action: 'Get signed hashes' },
			{ name: 'Sign', value: 'sign', description: 'Ask for the signature of SHA-1 hashes', action: 'Sign a hash' },
		],
		'sign',
	),
	...getSigned.description,
	...sign.description,
];
