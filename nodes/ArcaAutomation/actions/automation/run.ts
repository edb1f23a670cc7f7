import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { checkCuit } from '../../../shared/cuit';
import { inputError } from '../../../shared/n8n/items';
import { automationOutput, checkPasswordDestination, runAutomation, waitProperties } from '../common';

const show = { resource: ['automation'], operation: ['run'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Automation Name',
		name: 'automationName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'list-sales-points',
		description:
			'Any Afip SDK automation, e.g. create-cert-prod, auth-web-service-prod, list-sales-points, create-sales-point, add-relation, delegate-web-service',
	},
	{
		displayName: 'Parameters (JSON)',
		name: 'automationParams',
		type: 'json',
		default: '{}',
		description:
			"The automation's params. cuit, username and password are taken from the ARCA Login credential unless set here; keep the password in the credential.",
	},
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

function parseParams(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw = ctx.getNodeParameter('automationParams', itemIndex, '{}') as unknown;
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = raw.trim() === '' ? {} : JSON.parse(raw);
		} catch (error) {
			throw inputError(ctx.getNode(), itemIndex, 'Parameters (JSON)', `is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw inputError(ctx.getNode(), itemIndex, 'Parameters (JSON)', 'must be a JSON object, e.g. {"alias": "facturacion"}');
	}
	return value as IDataObject;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const automation = String(this.getNodeParameter('automationName', itemIndex, '')).trim();
	if (!/^[a-z0-9][a-z0-9-]*$/.test(automation)) {
		throw inputError(
			this.getNode(),
			itemIndex,
			'Automation Name',
			automation ? `"${automation}" is not an automation name (lower-case letters, digits, -)` : 'is empty',
		);
	}
	const params = parseParams(this, itemIndex);
	const login = await this.getCredentials('arcaLogin', itemIndex);
	const merged: IDataObject = { ...params };
	for (const field of ['cuit', 'username', 'password']) {
		if (merged[field] === undefined && login[field] !== undefined && login[field] !== '') merged[field] = login[field];
	}
	for (const field of ['cuit', 'username']) {
		if (merged[field] === undefined) continue;
		const check = checkCuit(merged[field]);
		if (!check.valid) throw inputError(this.getNode(), itemIndex, `Parameter "${field}"`, check.reason);
		merged[field] = check.cuit;
	}
	// The credential's password only goes where the ARCA Login credential allows.
	if (merged.password === login.password) await checkPasswordDestination(this, itemIndex, login);
	const state = await runAutomation(this, itemIndex, automation, merged);
	const facts: IDataObject = { automation };
	if (merged.cuit) facts.cuit = merged.cuit;
	if (typeof merged.alias === 'string') facts.alias = merged.alias;
	return await automationOutput(this, itemIndex, state, facts, `${automation}_${String(merged.alias ?? state.id)}`);
}
