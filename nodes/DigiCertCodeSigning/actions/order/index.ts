import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as cancel from './cancel';
import * as create from './create';
import * as findByReference from './findByReference';
import * as get from './get';
import * as getMany from './getMany';
import * as reissue from './reissue';
import * as renew from './renew';

export const operations = { cancel, create, findByReference, get, getMany, reissue, renew };

export const description: INodeProperties[] = [
	operationField(
		'order',
		[
			{ name: 'Cancel', value: 'cancel', action: 'Cancel an order', description: 'Cancel a pending order' },
			{ name: 'Create', value: 'create', action: 'Create an order', description: 'Order a code-signing certificate (OV or EV)' },
			{
				name: 'Find by Reference',
				value: 'findByReference',
				action: 'Find orders by reference',
				description: 'Look an order up by its alternative order ID',
			},
			{ name: 'Get', value: 'get', action: 'Get an order', description: 'Read an order, optionally waiting until it is issued' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many orders', description: 'List orders with filters' },
			{ name: 'Reissue', value: 'reissue', action: 'Reissue an order', description: 'Reissue an issued order with a new CSR' },
			{ name: 'Renew', value: 'renew', action: 'Renew an order', description: 'Place the renewal order of an existing order' },
		],
		'create',
	),
	...cancel.description,
	...create.description,
	...findByReference.description,
	...get.description,
	...getMany.description,
	...reissue.description,
	...renew.description,
];
