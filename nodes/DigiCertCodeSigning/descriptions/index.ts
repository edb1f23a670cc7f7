/**
 * Fields of DigiCert's vocabulary that the DigiCert Code Signing node and the Certificate Trigger both show:
 * one definition, one name, one type. (Fields only the node's operations share live in actions/common.ts.)
 */
import type { INodeProperties } from 'n8n-workflow';

const PRODUCT_OPTIONS = [
	{ name: 'Code Signing (OV)', value: 'code_signing' },
	{ name: 'EV Code Signing', value: 'code_signing_ev' },
];

/** Product: DigiCert's product name_id. `anyProduct`: a filter, where empty means every product. */
export function productProperty(description: string, anyProduct = false): INodeProperties {
	if (anyProduct) {
		return {
			displayName: 'Product',
			name: 'product',
			type: 'options',
			options: [{ name: 'Any Product', value: '' }, ...PRODUCT_OPTIONS],
			default: '',
			description,
		};
	}
	return { displayName: 'Product', name: 'product', type: 'options', options: PRODUCT_OPTIONS, default: 'code_signing', description };
}

export function organizationProperty(
	description = 'The validated organization the certificate is issued to',
	required = true,
): INodeProperties {
	return {
		displayName: 'Organization',
		name: 'organization',
		type: 'resourceLocator',
		required,
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchOrganizations', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '123456',
				validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'An organization ID is a number' } }],
			},
		],
	};
}

export function containerProperty(
	description = 'Division (container) to place the order under. Leave empty for the account default.',
): INodeProperties {
	return {
		displayName: 'Container',
		name: 'container',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchContainers', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '654321',
				validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'A container ID is a number' } }],
			},
		],
	};
}
