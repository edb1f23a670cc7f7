import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError, withContext } from '../../../shared/n8n/items';
import { refuseTestSample } from '../../../shared/n8n/testSample';
import { digiCertClient } from '../../transport';
import {
	additionalBody,
	csrProperties,
	getOrder,
	orderIdProperty,
	orderOptionsProperty,
	readCsr,
	readId,
	readOrderMaybeWaiting,
	readValidity,
	validityProperties,
	waitProperties,
} from '../common';

const show = { resource: ['order'], operation: ['renew'] };

const properties: INodeProperties[] = [
	orderIdProperty('ID of the order to renew (renewal_of_order_id). Product, organization and container are taken from it.'),
	...csrProperties(true),
	...validityProperties(),
	{
		displayName: 'Reference (Alternative Order ID)',
		name: 'alternativeOrderId',
		type: 'string',
		default: '',
		description: 'Your own reference for the renewal order; generated when empty',
	},
	orderOptionsProperty(),
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	refuseTestSample(this, itemIndex, 'Renew Order');
	const orderId = readId(this, itemIndex, 'orderId', 'Order ID');
	const validity = readValidity(this, itemIndex);
	const csr = await readCsr(this, itemIndex);
	const { top, certificate } = additionalBody(this, itemIndex);
	const reference = String(this.getNodeParameter('alternativeOrderId', itemIndex, '') ?? '').trim();

	const original = await getOrder(this, orderId, itemIndex);
	const product = ((original.product as IDataObject | undefined)?.name_id ?? original.product_name_id) as
		'code_signing' | 'code_signing_ev';
	if (product !== 'code_signing' && product !== 'code_signing_ev') {
		throw inputError(this.getNode(), itemIndex, 'Order ID', `points to a ${String(product)} order, not a code-signing one`);
	}
	const originalCertificate = (original.certificate ?? {}) as IDataObject;
	const body: IDataObject = {
		certificate: {
			signature_hash: 'sha256',
			...(Array.isArray(originalCertificate.organization_units) && originalCertificate.organization_units.length
				? { organization_units: originalCertificate.organization_units }
				: {}),
			...certificate,
			...(csr ? { csr: csr.pem } : {}),
		},
		organization: { id: Number((original.organization as IDataObject).id) },
		...((original.container as IDataObject | undefined)?.id ? { container: { id: Number((original.container as IDataObject).id) } } : {}),
		...validity,
		renewal_of_order_id: orderId,
		...top,
		...(reference ? { alternative_order_id: reference } : {}),
	};
	if (product === 'code_signing_ev' && !body.cs_provisioning_method && original.cs_provisioning_method) {
		body.cs_provisioning_method = original.cs_provisioning_method;
	}
	const created = await digiCertClient(this).createOrderIdempotent(product, body, itemIndex);
	const extra: IDataObject = {
		renewalOfOrderId: orderId,
		alternativeOrderId: created.alternative_order_id,
		requestIds: (created.requests ?? []).map((r) => r.id),
		requestStatus: created.requests?.[0]?.status ?? null,
		recoveredByReference: created.recoveredByReference,
	};
	try {
		return { json: await readOrderMaybeWaiting(this, created.id, itemIndex, extra) };
	} catch (error) {
		throw withContext(error as Error, { orderId: created.id, renewalOfOrderId: orderId });
	}
}
