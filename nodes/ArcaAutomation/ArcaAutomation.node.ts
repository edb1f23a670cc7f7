import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import * as certificate from './actions/certificate';
import * as webService from './actions/webService';
import * as automation from './actions/automation';
import { route, type OperationMap } from '../shared/n8n/router';

import { checkCuit } from '../shared/cuit';
import { insecureUrlReason, isRedirectStatus, redirectRefused } from '../shared/secureUrl';
import { afipSdkBaseUrl, networkReason, providerMessage } from './transport';

const operations: OperationMap = {
	certificate: certificate.operations,
	webService: webService.operations,
	automation: automation.operations,
};

export class ArcaAutomation implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ARCA Automation',
		name: 'arcaAutomation',
		icon: { light: 'file:arca.svg', dark: 'file:arca.dark.svg' },
		group: ['transform'],
		version: 1,
		// The chosen operation's action text (test/unit/router.test.ts keeps it in step with the Operation fields).
		subtitle:
			'={{ ({"certificate:create":"Create a certificate","webService:authorize":"Authorize a web service","webService:call":"Call a web service","webService:getAccessTicket":"Get an access ticket","webService:getLastRequestXml":"Get the XML of the last request","automation:getResult":"Get the result of an automation","automation:run":"Run an automation"})[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description: 'Create ARCA (ex AFIP) certificates, authorize web services, get access tickets and call ARCA web services',
		defaults: { name: 'ARCA Automation' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// A ticket directly from ARCA (WSAA) needs no Afip SDK account.
			{ name: 'afipSdkApi', required: true, testedBy: 'afipSdkApiTest', displayOptions: { hide: { source: ['wsaa'] } } },
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
				name: 'arcaLogin',
				required: true,
				testedBy: 'arcaLoginTest',
				// Every automation that logs in to ARCA needs it; reading a result and the web-service calls do not.
				displayOptions: { hide: { operation: ['getResult', 'call', 'getAccessTicket', 'getLastRequestXml'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Automation', value: 'automation' },
					{ name: 'Certificate', value: 'certificate' },
					{ name: 'Web Service', value: 'webService' },
				],
				default: 'certificate',
			},
			...certificate.description,
			...webService.description,
			...automation.description,
		],
	};

	methods = {
		credentialTest: {
			/** An empty automation request: 400 with data_errors means the token was accepted (no quota used). */
			async afipSdkApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const data = credential.data as ICredentialDataDecryptedObject;
				const insecure = insecureUrlReason(afipSdkBaseUrl(data));
				if (insecure) return { status: 'Error', message: `Base URL ${insecure}` };
				// The test context offers only the deprecated `helpers.request`; Node's fetch does the one call instead.
				let response: { statusCode: number; body: any };
				try {
					const answer = await fetch(`${afipSdkBaseUrl(data)}/automations`, {
						method: 'POST',
						headers: { Authorization: `Bearer ${String(data.accessToken ?? '')}`, 'Content-Type': 'application/json', Accept: 'application/json' },
						body: '{}',
						// Never repeated at another address: the token would go with it.
						redirect: 'manual',
						signal: AbortSignal.timeout(20_000),
					});
					if (isRedirectStatus(answer.status)) {
						return { status: 'Error', message: redirectRefused('Afip SDK', answer.status, answer.headers.get('location'), `${afipSdkBaseUrl(data)}/automations`, 'token', 'Afip SDK API') };
					}
					const text = await answer.text();
					let body: any = text;
					try {
						body = JSON.parse(text);
					} catch {
						// not JSON: keep the text for the message
					}
					response = { statusCode: answer.status, body };
				} catch (error) {
					const cause = (error as { cause?: { code?: string } }).cause?.code;
					return { status: 'Error', message: `Could not reach Afip SDK at ${afipSdkBaseUrl(data)}: ${networkReason((error as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : cause)}` };
				}
				if (response.statusCode === 401) return { status: 'Error', message: 'Afip SDK rejected the access token' };
				if (response.statusCode === 400 && response.body?.data_errors) return { status: 'OK', message: 'Access token accepted' };
				return {
					status: 'Error',
					message: `Unexpected answer from Afip SDK (HTTP ${response.statusCode}): ${providerMessage(response.body) ?? 'no message'}`,
				};
			},
			/** Local checks only: logging in to test would risk the taxpayer's clave fiscal. */
			async arcaLoginTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const data = credential.data as ICredentialDataDecryptedObject;
				const cuit = checkCuit(data.cuit);
				if (!cuit.valid) return { status: 'Error', message: `Taxpayer CUIT ${cuit.reason}` };
				const username = checkCuit(data.username);
				if (!username.valid) return { status: 'Error', message: `Login Username ${username.reason}` };
				if (!data.password) return { status: 'Error', message: 'Password is empty' };
				return { status: 'OK', message: 'CUITs are well formed (ARCA itself is not contacted: a failed login counts toward locking the clave fiscal)' };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await route(this, operations)];
	}
}
