/** Shared parameters and helpers of the DigiCert Code Signing operations. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { inputError, withContext } from '../../shared/n8n/items';
import { waitForCompletionField, waitTimingOptions, type WaitWords } from '../../shared/n8n/waitFields';
import { pollUntil, stillNotFinished, waitSeconds } from '../../shared/poll';
import { csrProblems, parseCsr } from '../protocol/csr';
import { orderFacts } from '../protocol/orderFacts';
import { codeSigningValidity, type ValidityBody } from '../protocol/validity';
import { digiCertClient } from '../transport';

// ------------------------------------------------------------------------------------------------
// Parameters

export function orderIdProperty(description = 'ID of the DigiCert order'): INodeProperties {
	return {
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1000001',
		description,
		hint: 'From an earlier node: {{ $json.orderId }}',
	};
}

export function csrProperties(allowNone: boolean): INodeProperties[] {
	const options = [
		{ name: 'Text (PEM)', value: 'text', description: 'Paste the PEM or map it from a field' },
		{ name: 'Binary File (PEM or DER)', value: 'binary', description: 'A CSR file from an earlier node' },
	];
	if (allowNone)
		options.push({ name: 'None', value: 'none', description: 'No CSR: the key is generated on the token DigiCert ships (EV, ship_token)' });
	return [
		{
			displayName: 'CSR Source',
			name: 'csrSource',
			type: 'options',
			options,
			default: 'text',
			description:
				'Where the certificate signing request comes from. It is checked locally (well-formed, valid signature, RSA ≥ 3072 bits or ECDSA) before anything is sent.',
		},
		{
			displayName: 'CSR',
			name: 'csr',
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE REQUEST-----',
			description: 'The certificate signing request as PEM text from an earlier node (openssl req -new …)',
			hint: 'From an earlier node: {{ $json.csr }}',
			displayOptions: { show: { csrSource: ['text'] } },
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			description: 'Name of the binary field holding the CSR file',
			displayOptions: { show: { csrSource: ['binary'] } },
		},
	];
}

export function validityProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Validity',
			name: 'validityUnit',
			type: 'options',
			options: [
				{ name: 'Years', value: 'years', description: 'Only 1 year: 2- and 3-year code-signing certificates are no longer issued' },
				{ name: 'Days', value: 'days', description: 'Up to 459 days (CA/B Forum cap of 460 days from 2026-03-01)' },
			],
			default: 'years',
			description: 'How long the certificate is valid: one year, or a number of days up to 459',
		},
		{
			displayName: 'Validity (Years)',
			name: 'validityYears',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1 },
			default: 1,
			description: 'Must be 1. Since 2026-02-24 DigiCert issues no 2- or 3-year code-signing certificates.',
			displayOptions: { show: { validityUnit: ['years'] } },
		},
		{
			displayName: 'Validity (Days)',
			name: 'validityDays',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 459 },
			default: 459,
			description: 'Number of days, at most 459',
			displayOptions: { show: { validityUnit: ['days'] } },
		},
	];
}

/** Code-signing validation can take days: the node waits minutes at most, the trigger watches longer. */
const DIGICERT_WAIT: WaitWords = {
	wait: false,
	pollInterval: 60,
	timeout: 1800,
	waitDescription:
		'Whether to keep checking the order until DigiCert issues it (or rejects it, or the timeout passes). Code-signing validation can take days: for long waits use the Certificate Trigger instead.',
	timeoutDescription: 'The item then fails; the order stays pending in DigiCert.',
};

export function waitProperties(): INodeProperties[] {
	return [
		waitForCompletionField(DIGICERT_WAIT),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { waitForCompletion: [true] } },
			options: waitTimingOptions(DIGICERT_WAIT, false),
		},
	];
}

export const provisioningOptions = [
	{ name: 'Account Default', value: '' },
	{ name: 'Client App', value: 'client_app', description: 'Install with DigiCert’s client app on your own HSM/token' },
	{ name: 'Email', value: 'email', description: 'Delivered by email (requires a CSR)' },
	{ name: 'Ship Token', value: 'ship_token', description: 'DigiCert ships a hardware token (see Ship Info)' },
];

/** Options shared by Create and Renew (the "Additional Fields" collection). */
export function orderOptionsProperty(): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Additional Emails',
				name: 'additionalEmails',
				type: 'string',
				default: '',
				description: 'Comma-separated addresses that also get the certificate notifications',
			},
			{
				displayName: 'Auto Renew',
				name: 'autoRenew',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'How many times DigiCert should renew the certificate automatically',
			},
			{ displayName: 'Comments', name: 'comments', type: 'string', default: '', description: 'Message for the approver' },
			{
				displayName: 'Custom Fields',
				name: 'customFields',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{
								displayName: 'Metadata ID',
								name: 'metadataId',
								type: 'number',
								default: 0,
								description: 'Custom field ID in your account',
							},
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{ displayName: 'Custom Renewal Message', name: 'customRenewalMessage', type: 'string', default: '' },
			{
				displayName: 'Organization Units',
				name: 'organizationUnits',
				type: 'string',
				default: '',
				description: 'Comma-separated departments',
			},
			{
				displayName: 'Payment Method',
				name: 'paymentMethod',
				type: 'options',
				options: [
					{ name: 'Balance', value: 'balance' },
					{ name: 'Card', value: 'card' },
					{ name: 'Profile', value: 'profile' },
				],
				default: 'balance',
			},
			{
				displayName: 'Provisioning Method',
				name: 'provisioningMethod',
				type: 'options',
				options: provisioningOptions,
				default: '',
				description: 'How the certificate is delivered (cs_provisioning_method). Required by DigiCert for EV.',
			},
			{
				displayName: 'Server Platform ID',
				name: 'serverPlatformId',
				type: 'number',
				default: -1,
				description: 'DigiCert server platform ID (-1 = other, 55 = Sun Java needs a CSR)',
			},
			{
				displayName: 'Ship Info',
				name: 'shipInfo',
				type: 'fixedCollection',
				default: {},
				description: 'Where DigiCert ships the hardware token (ship_token)',
				options: [
					{
						displayName: 'Address',
						name: 'address',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Address Line 1', name: 'addr1', type: 'string', default: '' },
							{ displayName: 'Address Line 2', name: 'addr2', type: 'string', default: '' },
							{ displayName: 'City', name: 'city', type: 'string', default: '' },
							{ displayName: 'State', name: 'state', type: 'string', default: '' },
							{ displayName: 'ZIP', name: 'zip', type: 'string', default: '' },
							{ displayName: 'Country', name: 'country', type: 'string', default: '', placeholder: 'us' },
							{
								displayName: 'Method',
								name: 'method',
								type: 'options',
								options: [
									{ name: 'Standard', value: 'STANDARD' },
									{ name: 'Expedited', value: 'EXPEDITED' },
								],
								default: 'STANDARD',
							},
						],
					},
				],
			},
			{
				displayName: 'Skip Approval',
				name: 'skipApproval',
				type: 'boolean',
				default: false,
				description: 'Whether to skip the approval step and submit for validation at once',
			},
		],
	};
}

// ------------------------------------------------------------------------------------------------
// Reading parameters

export function readId(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): number {
	const raw = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as string | number;
	const text = String(raw ?? '').trim();
	if (!/^[0-9]+$/.test(text) || Number(text) <= 0) {
		throw inputError(ctx.getNode(), itemIndex, label, text === '' ? 'is required' : `must be a positive whole number, got "${text}"`);
	}
	return Number(text);
}

export function readOptionalId(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): number | undefined {
	const raw = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as string | number;
	if (String(raw ?? '').trim() === '') return undefined;
	return readId(ctx, itemIndex, name, label);
}

export function readValidity(ctx: IExecuteFunctions, itemIndex: number): ValidityBody {
	const unit = ctx.getNodeParameter('validityUnit', itemIndex, 'years') as 'years' | 'days';
	const value = ctx.getNodeParameter(unit === 'years' ? 'validityYears' : 'validityDays', itemIndex, unit === 'years' ? 1 : 459) as number;
	try {
		return codeSigningValidity({ unit, value });
	} catch (error) {
		throw inputError(ctx.getNode(), itemIndex, 'Validity', (error as Error).message);
	}
}

/** The CSR as PEM, checked locally; undefined when the source is "none". */
export async function readCsr(ctx: IExecuteFunctions, itemIndex: number): Promise<{ pem: string; summary: IDataObject } | undefined> {
	const source = ctx.getNodeParameter('csrSource', itemIndex, 'text') as string;
	if (source === 'none') return undefined;
	let input: string | Buffer;
	if (source === 'binary') {
		const property = ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
		ctx.helpers.assertBinaryData(itemIndex, property);
		input = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	} else {
		input = ctx.getNodeParameter('csr', itemIndex, '') as string;
	}
	let parsed;
	try {
		parsed = parseCsr(input);
	} catch (error) {
		// Whatever fails while reading the user's CSR (our parser or node:crypto) is a problem of that input.
		throw inputError(ctx.getNode(), itemIndex, 'CSR', `is not a valid PKCS#10 request: ${(error as Error).message}`);
	}
	const problems = csrProblems(parsed);
	if (problems.length > 0) throw inputError(ctx.getNode(), itemIndex, 'CSR', `cannot be used for code signing: ${problems.join('; ')}`);
	return {
		pem: parsed.pem,
		summary: {
			subject: parsed.subject,
			keyAlgorithm: parsed.publicKeyAlgorithm,
			...(parsed.rsaBits ? { rsaBits: parsed.rsaBits } : {}),
			...(parsed.ecCurve ? { ecCurve: parsed.ecCurve } : {}),
		},
	};
}

function splitList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

const SHIP_FIELDS = ['name', 'addr1', 'city', 'state', 'zip', 'country', 'method'];

/** Body fields from "Additional Fields" (everything optional in the seed). */
export function additionalBody(ctx: IExecuteFunctions, itemIndex: number): { top: IDataObject; certificate: IDataObject } {
	const fields = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const top: IDataObject = {};
	const certificate: IDataObject = {};
	if (fields.comments) top.comments = String(fields.comments);
	if (fields.skipApproval !== undefined) top.skip_approval = Boolean(fields.skipApproval);
	top.payment_method = (fields.paymentMethod as string) || 'balance';
	if (fields.provisioningMethod) top.cs_provisioning_method = String(fields.provisioningMethod);
	if (fields.autoRenew) top.auto_renew = Number(fields.autoRenew);
	if (fields.customRenewalMessage) top.custom_renewal_message = String(fields.customRenewalMessage);
	const emails = splitList(fields.additionalEmails);
	if (emails.length) {
		const bad = emails.find((e) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e));
		if (bad) throw inputError(ctx.getNode(), itemIndex, 'Additional Emails', `contains "${bad}", which is not an email address`);
		top.additional_emails = emails;
	}
	const units = splitList(fields.organizationUnits);
	if (units.length) certificate.organization_units = units;
	if (fields.serverPlatformId !== undefined && Number(fields.serverPlatformId) !== -1) {
		if (!Number.isInteger(Number(fields.serverPlatformId)))
			throw inputError(ctx.getNode(), itemIndex, 'Server Platform ID', 'must be a whole number');
		certificate.server_platform = { id: Number(fields.serverPlatformId) };
	}
	const custom = ((fields.customFields as IDataObject | undefined)?.field ?? []) as IDataObject[];
	if (custom.length) {
		top.custom_fields = custom.map((f, i) => {
			if (!Number.isInteger(Number(f.metadataId)) || Number(f.metadataId) <= 0) {
				throw inputError(ctx.getNode(), itemIndex, `Custom Fields #${i + 1} Metadata ID`, 'must be a positive whole number');
			}
			return { metadata_id: Number(f.metadataId), value: String(f.value ?? '') };
		});
	}
	const ship = (fields.shipInfo as IDataObject | undefined)?.address as IDataObject | undefined;
	if (ship) {
		const info: IDataObject = {};
		for (const key of SHIP_FIELDS) {
			const value = String(ship[key] ?? '').trim();
			if (!value) throw inputError(ctx.getNode(), itemIndex, `Ship Info ${key}`, 'is required when Ship Info is set');
			info[key] = value;
		}
		if (String(ship.addr2 ?? '').trim()) info.addr2 = String(ship.addr2).trim();
		top.ship_info = info;
	}
	return { top, certificate };
}

// ------------------------------------------------------------------------------------------------
// Output

/** An order as the node outputs it: orderFacts (the shape the trigger's events share), `extra`, the raw answer under `order`. */
export function orderOutput(order: IDataObject, extra: IDataObject = {}, now: Date = new Date()): IDataObject {
	return { ...orderFacts(order, now), ...extra, order };
}

export async function getOrder(ctx: IExecuteFunctions, orderId: number, itemIndex: number): Promise<IDataObject> {
	return await digiCertClient(ctx).getOrder(orderId, itemIndex);
}

/** Reads the order, optionally waiting until it is issued; a final non-issued status is an error. */
export async function readOrderMaybeWaiting(
	ctx: IExecuteFunctions,
	orderId: number,
	itemIndex: number,
	extra: IDataObject = {},
): Promise<IDataObject> {
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
	if (!wait) return orderOutput(await getOrder(ctx, orderId, itemIndex), extra);
	const { intervalSeconds, timeoutSeconds } = waitSeconds(ctx.getNodeParameter('options', itemIndex, {}) as IDataObject, DIGICERT_WAIT);
	const [intervalMs, timeoutMs] = [intervalSeconds * 1000, timeoutSeconds * 1000];
	const outcome = await pollUntil(
		async () => {
			const output = orderOutput(await getOrder(ctx, orderId, itemIndex), extra);
			if (output.status === 'issued') return output;
			if (output.status !== 'pending') {
				throw withContext(
					new NodeOperationError(ctx.getNode(), `Order ${orderId} ended as ${output.rawStatus} instead of issued`, { itemIndex }),
					{ orderId, status: output.status, rawStatus: output.rawStatus },
				);
			}
			return undefined;
		},
		{ intervalMs, timeoutMs },
	);
	if (outcome.done) return outcome.value;
	throw withContext(
		new NodeOperationError(ctx.getNode(), `Order ${orderId} is ${stillNotFinished(outcome)}; it is still pending in DigiCert`, {
			itemIndex,
			description: 'The order exists and was not cancelled: read it later with Order → Get or the Certificate Trigger.',
		}),
		{ orderId, ...extra },
	);
}
