import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError, withContext } from '../../../shared/n8n/items';
import { refuseTestSample } from '../../../shared/n8n/testSample';
import { containerProperty, organizationProperty, productProperty } from '../../descriptions';
import { digiCertClient } from '../../transport';
import {
	additionalBody,
	csrProperties,
	orderOptionsProperty,
	readCsr,
	readId,
	readOptionalId,
	readOrderMaybeWaiting,
	readValidity,
	validityProperties,
	waitProperties,
} from '../common';

const show = { resource: ['order'], operation: ['create'] };

/** A new organization's fields: field name → [label, the API's key, required]. The seed asks for "all required parameters". */
const NEW_ORGANIZATION_FIELDS: Array<[string, string, string, boolean, string]> = [
	['organizationName', 'Organization Name', 'name', true, 'Legal name of the organization'],
	['organizationAssumedName', 'Assumed Name (DBA)', 'assumed_name', false, 'Public name, if it differs from the legal name'],
	['organizationAddress', 'Address', 'address', true, 'Street address'],
	['organizationAddress2', 'Address Line 2', 'address2', false, ''],
	['organizationCity', 'City', 'city', true, ''],
	['organizationState', 'State or Province', 'state', true, 'State, province or region'],
	['organizationZip', 'Postal Code', 'zip', true, ''],
	['organizationCountry', 'Country Code', 'country', true, 'Two-letter country code, e.g. ar or us'],
	['organizationTelephone', 'Organization Telephone', 'telephone', true, ''],
];
const CONTACT_FIELDS: Array<[string, string, string, boolean, string]> = [
	['contactFirstName', 'Contact First Name', 'first_name', true, 'The organization contact DigiCert validates with'],
	['contactLastName', 'Contact Last Name', 'last_name', true, ''],
	['contactEmail', 'Contact Email', 'email', true, ''],
	['contactTelephone', 'Contact Telephone', 'telephone', true, ''],
	['contactJobTitle', 'Contact Job Title', 'job_title', false, ''],
];

function newOrganizationProperties(): INodeProperties[] {
	return [...NEW_ORGANIZATION_FIELDS, ...CONTACT_FIELDS].map(([name, displayName, , required, description]) => ({
		displayName,
		name,
		type: 'string' as const,
		default: '',
		required,
		...(name === 'contactEmail' ? { placeholder: 'name@email.com' } : {}),
		...(description ? { description } : {}),
		displayOptions: { show: { organizationType: ['new'] } },
	}));
}

const properties: INodeProperties[] = [
	productProperty(
		'OV: organization validated. EV: extended validation, the key lives on a hardware token or HSM (see Provisioning Method).',
	),
	{
		displayName: 'Organization Type',
		name: 'organizationType',
		type: 'options',
		options: [
			{ name: 'Existing Organization', value: 'existing', description: 'An organization of the account, from the list or by ID' },
			{
				name: 'New Organization',
				value: 'new',
				description: 'Create the organization with the order; DigiCert validates it before the order can issue',
			},
		],
		default: 'existing',
		description: 'Whether the certificate is for an organization the account already has, or a new one created with this order',
	},
	{ ...organizationProperty(), displayOptions: { show: { organizationType: ['existing'] } } },
	...newOrganizationProperties(),
	containerProperty(),
	...csrProperties(true),
	...validityProperties(),
	{
		displayName: 'Reference (Alternative Order ID)',
		name: 'alternativeOrderId',
		type: 'string',
		default: '',
		description:
			'Your own reference for the order. Left empty, one is generated. After a lost answer the node looks the order up by it instead of ordering twice.',
	},
	orderOptionsProperty(),
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

/** `{id}` of an existing organization, or the organization object of a new one, checked before any request. */
function readOrganization(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	if (ctx.getNodeParameter('organizationType', itemIndex, 'existing') !== 'new')
		return { id: readId(ctx, itemIndex, 'organization', 'Organization') };
	const read = (fields: typeof NEW_ORGANIZATION_FIELDS): IDataObject => {
		const out: IDataObject = {};
		for (const [name, label, key, required] of fields) {
			const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
			if (required && !value) throw inputError(ctx.getNode(), itemIndex, label, 'is required for a new organization');
			if (value) out[key] = value;
		}
		return out;
	};
	const organization = read(NEW_ORGANIZATION_FIELDS);
	if (!/^[a-z]{2}$/i.test(String(organization.country)))
		throw inputError(ctx.getNode(), itemIndex, 'Country Code', `"${String(organization.country)}" is not a two-letter country code`);
	organization.country = String(organization.country).toLowerCase();
	const contact = read(CONTACT_FIELDS);
	if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(contact.email)))
		throw inputError(ctx.getNode(), itemIndex, 'Contact Email', `"${String(contact.email)}" is not an email address`);
	return { ...organization, organization_contact: contact };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	refuseTestSample(this, itemIndex, 'Create Order');
	const product = this.getNodeParameter('product', itemIndex) as 'code_signing' | 'code_signing_ev';
	const organization = readOrganization(this, itemIndex);
	const containerId = readOptionalId(this, itemIndex, 'container', 'Container');
	const validity = readValidity(this, itemIndex);
	const csr = await readCsr(this, itemIndex);
	const { top, certificate } = additionalBody(this, itemIndex);
	if (top.cs_provisioning_method === 'email' && !csr)
		throw inputError(this.getNode(), itemIndex, 'CSR', 'is required when the provisioning method is Email');
	if (product === 'code_signing_ev' && !top.cs_provisioning_method) {
		throw inputError(
			this.getNode(),
			itemIndex,
			'Provisioning Method',
			'is required for EV code signing (Additional Fields → Provisioning Method)',
		);
	}
	const reference = String(this.getNodeParameter('alternativeOrderId', itemIndex, '') ?? '').trim();
	if (reference.length > 64)
		throw inputError(this.getNode(), itemIndex, 'Reference (Alternative Order ID)', 'must be at most 64 characters');

	const body: IDataObject = {
		certificate: { signature_hash: 'sha256', ...certificate, ...(csr ? { csr: csr.pem } : {}) },
		organization,
		...(containerId ? { container: { id: containerId } } : {}),
		...validity,
		...top,
		...(reference ? { alternative_order_id: reference } : {}),
	};
	const created = await digiCertClient(this).createOrderIdempotent(product, body, itemIndex);
	const extra: IDataObject = {
		alternativeOrderId: created.alternative_order_id,
		requestIds: (created.requests ?? []).map((r) => r.id),
		requestStatus: created.requests?.[0]?.status ?? null,
		recoveredByReference: created.recoveredByReference,
		// DigiCert returns organization.id only when the order created a new organization.
		...(created.organization?.id !== undefined ? { newOrganizationId: created.organization.id } : {}),
		...(csr ? { csr: csr.summary } : {}),
	};
	try {
		return { json: await readOrderMaybeWaiting(this, created.id, itemIndex, extra) };
	} catch (error) {
		// The order exists: whatever happens while reading it, say which one it is.
		throw withContext(error as Error, { orderId: created.id, alternativeOrderId: created.alternative_order_id });
	}
}
