import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { refuseTestSample } from '../../../shared/n8n/testSample';
import { digiCertApiRequest } from '../../transport';
import { csrProperties, orderIdProperty, provisioningOptions, readCsr, readId, readOrderMaybeWaiting, waitProperties } from '../common';

const show = { resource: ['order'], operation: ['reissue'] };

const properties: INodeProperties[] = [
	orderIdProperty('ID of the issued order to reissue (new key, same order and expiry)'),
	...csrProperties(true),
	{
		displayName: 'Options',
		name: 'reissueOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Comments', name: 'comments', type: 'string', default: '' },
			{ displayName: 'Provisioning Method', name: 'provisioningMethod', type: 'options', options: provisioningOptions, default: '' },
			{ displayName: 'Server Platform ID', name: 'serverPlatformId', type: 'number', default: -1 },
			{
				displayName: 'Skip Approval',
				name: 'skipApproval',
				type: 'boolean',
				default: false,
				description: 'Whether to skip the approval step',
			},
		],
	},
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	refuseTestSample(this, itemIndex, 'Reissue Order');
	const orderId = readId(this, itemIndex, 'orderId', 'Order ID');
	const csr = await readCsr(this, itemIndex);
	const options = this.getNodeParameter('reissueOptions', itemIndex, {}) as IDataObject;
	const certificate: IDataObject = { signature_hash: 'sha256' };
	if (csr) certificate.csr = csr.pem;
	if (options.serverPlatformId !== undefined && Number(options.serverPlatformId) !== -1)
		certificate.server_platform = { id: Number(options.serverPlatformId) };
	const body: IDataObject = { certificate };
	if (options.provisioningMethod) body.cs_provisioning_method = options.provisioningMethod;
	if (options.skipApproval !== undefined) body.skip_approval = Boolean(options.skipApproval);
	if (options.comments) body.comments = String(options.comments);
	// A reissue is not repeated automatically: a second one would be a second request.
	const response = (await digiCertApiRequest.call(this, 'POST', `/order/certificate/${orderId}/reissue`, body, undefined, {
		itemIndex,
		retry: false,
	})) as IDataObject;
	const requests = (response?.requests ?? []) as IDataObject[];
	return {
		json: await readOrderMaybeWaiting(this, orderId, itemIndex, {
			requestIds: requests.map((r) => r.id),
			requestStatus: requests[0]?.status ?? null,
			...(csr ? { csr: csr.summary } : {}),
		}),
	};
}
