import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { refuseTestSample } from '../../../shared/n8n/testSample';
import {
	aliasProperty,
	arcaLogin,
	automationOutput,
	checkAlias,
	environmentProperty,
	productionNotice,
	readEnvironment,
	readService,
	runAutomation,
	serviceProperties,
	taxpayerCuitProperty,
	waitProperties,
} from '../common';

const show = { resource: ['webService'], operation: ['authorize'] };

const properties: INodeProperties[] = [
	environmentProperty(),
	productionNotice(),
	aliasProperty('Alias of the certificate that will be allowed to use the web service'),
	...serviceProperties('The ARCA web service to authorize for this certificate'),
	taxpayerCuitProperty(),
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const environment = readEnvironment(this, itemIndex);
	if (environment === 'prod') refuseTestSample(this, itemIndex, 'Authorize Web Service (Production)');
	const alias = checkAlias(this, itemIndex);
	const service = readService(this, itemIndex);
	const login = await arcaLogin(this, itemIndex);
	const automation = `auth-web-service-${environment}`;
	const state = await runAutomation(this, itemIndex, automation, { ...login, alias, service });
	return await automationOutput(
		this,
		itemIndex,
		state,
		{ automation, environment, alias, service, cuit: login.cuit },
		`${alias}_${service}`,
	);
}
