import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { environmentProperty, productionNotice, readEnvironment, readService, serviceProperties } from '../common';
import { obtainTicket, ticketFacts, ticketSourceProperties, wsaaOptions } from '../ticket';

const show = { resource: ['webService'], operation: ['getAccessTicket'] };

const properties: INodeProperties[] = [
	environmentProperty(),
	productionNotice(),
	...serviceProperties('The ARCA web service the ticket is for'),
	...ticketSourceProperties('source'),
	{
		displayName: 'Include Token and Sign',
		name: 'includeTokenAndSign',
		type: 'boolean',
		default: false,
		description: "Whether to put the ticket's token and sign in the output (to call a web service outside this node)",
	},
	{
		displayName:
			'Token and sign are credentials: for about 12 hours anyone holding them can act on ARCA for this taxpayer. The output (and execution logs) will hold them; Web Service → Call does not need them.',
		name: 'tokenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { includeTokenAndSign: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: wsaaOptions('source'),
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const environment = readEnvironment(this, itemIndex);
	const service = readService(this, itemIndex);
	const outcome = await obtainTicket(this, itemIndex, environment, service, 'source');
	const json: IDataObject = ticketFacts(outcome);
	if (this.getNodeParameter('includeTokenAndSign', itemIndex, false) === true) {
		json.token = outcome.ticket.token;
		json.sign = outcome.ticket.sign;
	}
	return { json };
}
