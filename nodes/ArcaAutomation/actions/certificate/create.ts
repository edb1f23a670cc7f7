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
	runAutomation,
	taxpayerCuitProperty,
	waitProperties,
} from '../common';

const show = { resource: ['certificate'], operation: ['create'] };

const properties: INodeProperties[] = [
	environmentProperty(),
	productionNotice(),
	aliasProperty('Name of the certificate in ARCA. One alias can hold many certificates: to renew, use the same alias.'),
	taxpayerCuitProperty(),
	...waitProperties(),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const environment = readEnvironment(this, itemIndex);
	if (environment === 'prod') refuseTestSample(this, itemIndex, 'Create Certificate (Production)');
	const alias = checkAlias(this, itemIndex);
	const login = await arcaLogin(this, itemIndex);
	const automation = `create-cert-${environment}`;
	const state = await runAutomation(this, itemIndex, automation, { ...login, alias });
	return await automationOutput(
		this,
		itemIndex,
		state,
		{ automation, environment, alias, cuit: login.cuit },
		`${alias}_${login.cuit}_${environment}`,
	);
}
