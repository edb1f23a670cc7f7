import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { afipSdkLastXml } from '../../transport/afipSdkWebServices';

const show = { resource: ['webService'], operation: ['getLastRequestXml'] };

const properties: INodeProperties[] = [
	{
		displayName:
			"Returns the XML Afip SDK sent to ARCA in the last Web Service → Call of this Afip SDK account, and ARCA's answer: what ARCA support asks for. It holds that call's token and sign.",
		name: 'lastXmlNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const answer = await afipSdkLastXml.call(this, itemIndex);
	const json: IDataObject =
		answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as IDataObject) : { xml: answer ?? null };
	return { json };
}
