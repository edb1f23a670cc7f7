import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError, itemLabel, withContext } from '../../../shared/n8n/items';
import { authStyle, businessMessages, describeMessages, withAuth } from '../../protocol/webServiceCall';
import { afipSdkCall } from '../../transport/afipSdkWebServices';
import { environmentProperty, productionNotice, readEnvironment, readService, serviceProperties } from '../common';
import { obtainTicket, ticketSourceProperties, wsaaOptions } from '../ticket';

const show = { resource: ['webService'], operation: ['call'] };

/** Typed presets: each fixes the service and method. */
const PRESETS: Record<string, { service: string; method: string }> = {
	FEDummy: { service: 'wsfe', method: 'FEDummy' },
	FECompUltimoAutorizado: { service: 'wsfe', method: 'FECompUltimoAutorizado' },
	FEParamGetPtosVenta: { service: 'wsfe', method: 'FEParamGetPtosVenta' },
	getPersona_v2: { service: 'ws_sr_constancia_inscripcion', method: 'getPersona_v2' },
};

const VOUCHER_TYPES = [
	{ name: 'Factura A (1)', value: 1 },
	{ name: 'Nota De Débito A (2)', value: 2 },
	{ name: 'Nota De Crédito A (3)', value: 3 },
	{ name: 'Factura B (6)', value: 6 },
	{ name: 'Nota De Débito B (7)', value: 7 },
	{ name: 'Nota De Crédito B (8)', value: 8 },
	{ name: 'Factura C (11)', value: 11 },
	{ name: 'Nota De Débito C (12)', value: 12 },
	{ name: 'Nota De Crédito C (13)', value: 13 },
	{ name: 'Factura M (51)', value: 51 },
];

/** The ticket fields are not shown for FEDummy, which needs no ticket. */
const noTicketForDummy = (properties: INodeProperties[]) =>
	properties.map((p) => ({
		...p,
		displayOptions: { ...(p.displayOptions ?? {}), hide: { ...(p.displayOptions?.hide ?? {}), call: ['FEDummy'] } },
	}));

const properties: INodeProperties[] = [
	environmentProperty(),
	productionNotice(),
	{
		displayName: 'Call',
		name: 'call',
		type: 'options',
		options: [
			{
				name: 'Constancia De Inscripción: getPersona_v2',
				value: 'getPersona_v2',
				description: 'Registration data of a CUIT (ws_sr_constancia_inscripcion)',
			},
			{ name: 'Other (Enter Service, Method and Params)', value: 'custom', description: 'Any method of any service Afip SDK knows' },
			{
				name: 'WSFE: FECompUltimoAutorizado',
				value: 'FECompUltimoAutorizado',
				description: 'Number of the last authorized voucher of a sales point and voucher type',
			},
			{ name: 'WSFE: FEDummy', value: 'FEDummy', description: 'Health check of wsfe (needs no ticket)' },
			{ name: 'WSFE: FEParamGetPtosVenta', value: 'FEParamGetPtosVenta', description: 'Sales points enabled for web services' },
		],
		default: 'FECompUltimoAutorizado',
		description: 'The web service method to call. The node gets (or reuses) the access ticket and puts it where the service expects it.',
	},
	...serviceProperties('The ARCA web service to call').map((p) => ({
		...p,
		displayOptions: { show: { ...(p.displayOptions?.show ?? {}), call: ['custom'] } },
	})),
	{
		displayName: 'Method',
		name: 'method',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'FECAESolicitar',
		description: "Name of the SOAP method, as ARCA's documentation spells it",
		displayOptions: { show: { call: ['custom'] } },
	},
	{
		displayName: 'Params (JSON)',
		name: 'params',
		type: 'json',
		default: '{}',
		description:
			"The method's own params. Leave the ticket out: the node adds Auth {Token, Sign, Cuit} (wsfe-style) or token/sign/cuitRepresentada (padrón).",
		displayOptions: { show: { call: ['custom'] } },
	},
	{
		displayName: 'Sales Point (PtoVta)',
		name: 'ptoVta',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		displayOptions: { show: { call: ['FECompUltimoAutorizado'] } },
	},
	{
		displayName: 'Voucher Type (CbteTipo)',
		name: 'cbteTipo',
		type: 'options',
		options: VOUCHER_TYPES,
		default: 6,
		displayOptions: { show: { call: ['FECompUltimoAutorizado'] } },
	},
	{
		displayName: 'CUIT to Look Up (idPersona)',
		name: 'idPersona',
		type: 'string',
		default: '',
		required: true,
		placeholder: '20111111112',
		displayOptions: { show: { call: ['getPersona_v2'] } },
	},
	...noTicketForDummy(ticketSourceProperties('ticketSource')),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'ARCA Errors in the Answer',
				name: 'businessErrors',
				type: 'options',
				options: [
					{
						name: 'Item Error',
						value: 'error',
						description: 'Errors.Err (and observations of a rejected voucher) fail the item with their codes and messages',
					},
					{ name: 'Pass Through as Data', value: 'data', description: 'The item succeeds; arcaErrors lists them' },
				],
				default: 'error',
				description: 'What to do when ARCA reports errors inside a successful answer (wsfe does so instead of an HTTP error)',
			},
			...wsaaOptions('ticketSource'),
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

function readCall(ctx: IExecuteFunctions, itemIndex: number): { service: string; method: string; params: IDataObject } {
	const node = ctx.getNode();
	const call = String(ctx.getNodeParameter('call', itemIndex));
	if (call === 'FEDummy' || call === 'FEParamGetPtosVenta') return { ...PRESETS[call], params: {} };
	if (call === 'FECompUltimoAutorizado') {
		const ptoVta = Number(ctx.getNodeParameter('ptoVta', itemIndex));
		if (!Number.isInteger(ptoVta) || ptoVta < 1 || ptoVta > 99998)
			throw inputError(
				node,
				itemIndex,
				'Sales Point (PtoVta)',
				`${String(ctx.getNodeParameter('ptoVta', itemIndex))} is not a sales point number (1–99998)`,
			);
		const cbteTipo = Number(ctx.getNodeParameter('cbteTipo', itemIndex));
		return { ...PRESETS[call], params: { PtoVta: ptoVta, CbteTipo: cbteTipo } };
	}
	if (call === 'getPersona_v2') {
		const raw = String(ctx.getNodeParameter('idPersona', itemIndex, '')).replace(/[-\s]/g, '');
		if (!/^\d{11}$/.test(raw))
			throw inputError(node, itemIndex, 'CUIT to Look Up (idPersona)', raw ? `"${raw}" is not 11 digits` : 'is empty');
		return { ...PRESETS[call], params: { idPersona: Number(raw) } };
	}
	const service = readService(ctx, itemIndex);
	const method = String(ctx.getNodeParameter('method', itemIndex, '')).trim();
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(method))
		throw inputError(node, itemIndex, 'Method', method ? `"${method}" is not a method name` : 'is empty');
	let params = ctx.getNodeParameter('params', itemIndex, '{}') as unknown;
	if (typeof params === 'string') {
		try {
			params = JSON.parse(params.trim() || '{}');
		} catch (error) {
			throw inputError(node, itemIndex, 'Params (JSON)', `is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (!params || typeof params !== 'object' || Array.isArray(params))
		throw inputError(node, itemIndex, 'Params (JSON)', 'must be a JSON object');
	for (const k of ['Auth', 'token', 'sign']) {
		if (k in (params as IDataObject))
			throw inputError(node, itemIndex, 'Params (JSON)', `holds "${k}": leave the ticket out, the node puts it in`);
	}
	return { service, method, params: params as IDataObject };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const environment = readEnvironment(this, itemIndex);
	const { service, method, params } = readCall(this, itemIndex);
	const json: IDataObject = { environment, service, method };
	let sent = params;
	if (authStyle(service, method) !== 'none') {
		const outcome = await obtainTicket(this, itemIndex, environment, service, 'ticketSource');
		sent = withAuth(service, method, params, { token: outcome.ticket.token, sign: outcome.ticket.sign, cuit: outcome.cuit }) as IDataObject;
		json.cuit = outcome.cuit;
		json.ticket = { source: outcome.source, expirationTime: outcome.ticket.expirationTime, reused: outcome.reused };
	}
	const answer = await afipSdkCall.call(this, itemIndex, { environment, service, method, params: sent });
	json.result = (answer && typeof answer === 'object' ? answer : { value: answer ?? null }) as IDataObject;
	const messages = businessMessages(answer);
	const errors = messages.filter((m) => m.kind === 'error');
	const observations = messages.filter((m) => m.kind === 'observation');
	if (errors.length) json.arcaErrors = errors.map(({ code, message }) => ({ code, message }));
	if (observations.length) json.arcaObservations = observations.map(({ code, message }) => ({ code, message }));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (errors.length && options.businessErrors !== 'data') {
		throw withContext(
			new NodeOperationError(
				this.getNode(),
				`ARCA answered ${service}.${method} with ${errors.length === 1 ? 'an error' : `${errors.length} errors`}: ${describeMessages(errors)} ${itemLabel(itemIndex)}`,
				{
					itemIndex,
					description:
						'The request reached ARCA and was refused there (HTTP 200 with Errors). Options → ARCA Errors in the Answer → Pass Through as Data returns such answers as items.',
				},
			),
			{ arcaErrors: json.arcaErrors as IDataObject[], service, method },
		);
	}
	return { json };
}
