import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/n8n/router';
import * as authorize from './authorize';
import * as call from './call';
import * as getAccessTicket from './getAccessTicket';
import * as getLastRequestXml from './getLastRequestXml';

export const operations = { authorize, call, getAccessTicket, getLastRequestXml };

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
			{
				name: 'Call',
				value: 'call',
				action: 'Call a web service',
				description: 'Call an ARCA web service method through Afip SDK, with an access ticket the node gets or reuses',
			},
			{
				name: 'Get Access Ticket',
				value: 'getAccessTicket',
				action: 'Get an access ticket',
				description: 'Get (or reuse) the access ticket (token and sign, about 12 hours) a web service needs',
			},
			{
				name: 'Get Last Request XML',
				value: 'getLastRequestXml',
				action: 'Get the XML of the last request',
				description: 'The XML of the last web-service call Afip SDK made, and the answer (for ARCA support)',
			},
		],
		'authorize',
	),
	...authorize.description,
	...call.description,
	...getAccessTicket.description,
	...getLastRequestXml.description,
];
