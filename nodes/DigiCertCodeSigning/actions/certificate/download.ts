import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { digiCertClient } from '../../transport';
import { readId } from '../common';

const show = { resource: ['certificate'], operation: ['download'] };

const FORMATS: Record<string, { name: string; extension: string; mimeType: string; description: string }> = {
	pem_all: {
		name: 'PEM (Certificate + Chain)',
		extension: 'pem',
		mimeType: 'application/x-pem-file',
		description: 'Certificate, intermediates and root in one PEM file',
	},
	pem_noroot: {
		name: 'PEM (Without Root)',
		extension: 'pem',
		mimeType: 'application/x-pem-file',
		description: 'Certificate and intermediates, no root',
	},
	p7b: {
		name: 'PKCS#7 (.P7b)',
		extension: 'p7b',
		mimeType: 'application/x-pkcs7-certificates',
		description: 'The chain as PKCS#7, as Windows signtool imports it',
	},
	cer: { name: 'DER (.Cer)', extension: 'cer', mimeType: 'application/pkix-cert', description: 'The certificate alone' },
	default: {
		name: 'ZIP (DigiCert Default)',
		extension: 'zip',
		mimeType: 'application/zip',
		description: 'ZIP with the certificate and the CA certificate',
	},
};

const properties: INodeProperties[] = [
	{
		displayName: 'Download By',
		name: 'downloadBy',
		type: 'options',
		options: [
			{ name: 'Certificate ID', value: 'certificate' },
			{ name: 'Order ID (Active Certificate)', value: 'order' },
		],
		default: 'certificate',
		description: 'Which ID identifies the certificate: its own, or the order whose current certificate you want',
	},
	{
		displayName: 'Certificate ID',
		name: 'certificateId',
		type: 'string',
		required: true,
		default: '',
		description: 'The certificateId of an order (Order → Get outputs it)',
		hint: 'From an earlier node: {{ $json.certificateId }}',
		displayOptions: { show: { downloadBy: ['certificate'] } },
	},
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		required: true,
		default: '',
		description: 'The order whose active certificate is downloaded',
		hint: 'From an earlier node: {{ $json.orderId }}',
		displayOptions: { show: { downloadBy: ['order'] } },
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: Object.entries(FORMATS).map(([value, f]) => ({ name: f.name, value, description: f.description })),
		default: 'pem_all',
		description: 'File format of the certificate; PEM with chain suits most signing tools, PKCS#7 suits Windows signtool',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field for the downloaded file',
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const by = this.getNodeParameter('downloadBy', itemIndex, 'certificate') as string;
	const format = this.getNodeParameter('format', itemIndex, 'pem_all') as string;
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const spec = FORMATS[format];
	const id = by === 'order' ? readId(this, itemIndex, 'orderId', 'Order ID') : readId(this, itemIndex, 'certificateId', 'Certificate ID');
	// Checked against the list before (checkOptionValues); encoded all the same, as every path segment.
	const segment = encodeURIComponent(format);
	const path = by === 'order' ? `/certificate/download/order/${id}/format/${segment}` : `/certificate/${id}/download/format/${segment}`;
	const file = await digiCertClient(this).download(path, itemIndex);
	const fileName = file.fileName ?? `${by === 'order' ? 'order' : 'certificate'}_${id}.${spec?.extension ?? 'bin'}`;
	const binary = await this.helpers.prepareBinaryData(file.data, fileName, spec?.mimeType ?? file.contentType);
	return {
		json: { [by === 'order' ? 'orderId' : 'certificateId']: id, format, fileName, mimeType: binary.mimeType, size: file.data.length },
		binary: { [binaryPropertyName]: binary },
	};
}
