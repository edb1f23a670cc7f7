import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { aliasProperty, arcaLogin, automationOutput, checkAlias, environmentProperty, productionNotice, readEnvironment, runAutomation, taxpayerCuitProperty, waitProperties } from '../common';
import { refuseTestSample } from '../../../shared/n8n/testSample';

const show = { resource: ['webService'], operation: ['authorize'] };

export const WEB_SERVICES = [
	{ name: 'Factura Electrónica (WSFE)', value: 'wsfe', description: 'Electronic invoices A, B, C and M (ID wsfe)' },
	{ name: 'Exportación (WSFEX)', value: 'wsfex', description: 'Export invoices (E) (ID wsfex)' },
	{ name: 'Factura Detallada (WSMTXCA)', value: 'wsmtxca', description: 'Invoices with item detail (ID wsmtxca)' },
	{ name: 'Inscripción (Constancia)', value: 'ws_sr_constancia_inscripcion', description: 'Registration record of a CUIT (ID ws_sr_constancia_inscripcion)' },
	{ name: 'Padrón A4', value: 'ws_sr_padron_a4', description: 'Taxpayer register, full record (ID ws_sr_padron_a4)' },
	{ name: 'Padrón A5', value: 'ws_sr_padron_a5', description: 'Taxpayer register, record with tax status (ID ws_sr_padron_a5)' },
	{ name: 'Padrón A10', value: 'ws_sr_padron_a10', description: 'Taxpayer register, basic record (ID ws_sr_padron_a10)' },
	{ name: 'Padrón A13', value: 'ws_sr_padron_a13', description: 'Taxpayer register, by document number (ID ws_sr_padron_a13)' },
	{ name: 'Other (Enter ID)', value: 'custom', description: 'Any other ARCA web service: type its ID below' },
];

const properties: INodeProperties[] = [
	environmentProperty(),
	productionNotice(),
	aliasProperty('Alias of the certificate that will be allowed to use the web service'),
	{
		displayName: 'Web Service',
		name: 'service',
		type: 'options',
		options: WEB_SERVICES,
		default: 'wsfe',
		description: 'The ARCA web service to authorize for this certificate',
	},
	{
		displayName: 'Web Service ID',
		name: 'customService',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'ws_sr_padron_a100',
		description: 'ARCA identifier of the web service',
		displayOptions: { show: { service: ['custom'] } },
	},
	taxpayerCuitProperty(),
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const environment = readEnvironment(this, itemIndex);
	if (environment === 'prod') refuseTestSample(this, itemIndex, 'Authorize Web Service (Production)');
	const alias = checkAlias(this, itemIndex);
	let service = String(this.getNodeParameter('service', itemIndex));
	// A value from an expression was already held to the list by the router (checkOptionValues).
	if (service === 'custom') {
		service = String(this.getNodeParameter('customService', itemIndex, '')).trim();
		if (!/^[a-z0-9_]+$/i.test(service)) {
			throw inputError(this.getNode(), itemIndex, 'Web Service ID', service ? `"${service}" is not a web service id (letters, digits, _)` : 'is empty');
		}
	}
	const login = await arcaLogin(this, itemIndex);
	const automation = `auth-web-service-${environment}`;
	const state = await runAutomation(this, itemIndex, automation, { ...login, alias, service });
	return await automationOutput(this, itemIndex, state, { automation, environment, alias, service, cuit: login.cuit }, `${alias}_${service}`);
}
