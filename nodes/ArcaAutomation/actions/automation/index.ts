import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as getResult from './getResult';
import * as run from './run';

export const operations = { getResult, run };

export const description: INodeProperties[] = [
	operationField(
		'automation',
		[
			{
				name: 'Get Result',
				value: 'getResult',
				action: 'Get the result of an automation',
				description: 'Read the status or result of an automation started earlier',
			},
			{
				name: 'Run',
				value: 'run',
				action: 'Run an automation',
				description: 'Run any Afip SDK automation with JSON parameters',
			},
		],
		'run',
	),
	...getResult.description,
	...run.description,
];
