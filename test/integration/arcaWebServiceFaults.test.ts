/**
 * Issue #19 (carried over): the fault suite covers this wave's ARCA operations. Each Afip SDK web-service
 * endpoint meets each fault of the simulator once (reset before / after the server acted, HTTP 500, a cut
 * JSON answer, a slow drip), with two items: the faulted item fails with a message that says what happened
 * (or succeeds, for the drip), the other item is untouched, nothing is lost, and nothing is sent twice (a
 * repeated FECAESolicitar could authorize a second invoice, so these POSTs are never retried).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { forgetRememberedTickets } from '../../nodes/ArcaAutomation/actions/ticket';
import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { AFIPSDK_FAULT_KINDS, startAfipSdkSimulator, type AfipSdkFault, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { createArcaState, type ArcaState } from '../simulators/arcaState';
import { runNode } from '../support/nodeContext';

jest.setTimeout(120_000);

const CUIT = '20409378472';
let arca: ArcaState;
let afipSdk: AfipSdkSimulator;
let credentials: Record<string, IDataObject>;
const tally = { injected: 0, itemsLost: 0, sentTwice: 0 };

beforeAll(async () => {
	arca = createArcaState();
	afipSdk = await startAfipSdkSimulator({ arca, pollsUntilDone: 0 });
	arca.cas.dev.issue({ subject: `/C=AR/O=facturacion/CN=facturacion/serialNumber=CUIT ${CUIT}`, days: 730, keyFormat: 'pkcs1' });
	for (const service of ['wsfe', 'ws_sr_constancia_inscripcion']) arca.authorize('dev', CUIT, 'facturacion', service);
	credentials = { afipSdkApi: { accessToken: 'demo-access-token', baseUrl: afipSdk.baseUrl } };
});
afterAll(async () => {
	console.log(`ARCA WEB-SERVICE FAULTS ${JSON.stringify(tally)}`);
	await afipSdk?.close();
	arca?.dispose();
});
beforeEach(() => {
	arca.tickets.clear();
	forgetRememberedTickets();
	afipSdk.control.faults.length = 0;
});

const items = (): INodeExecutionData[] => [{ json: {} }, { json: {} }];
const run = async (parameters: IDataObject | IDataObject[]) =>
	(await runNode(new ArcaAutomation(), { parameters, credentials, items: items(), continueOnFail: true })).output;

interface Endpoint {
	path: string;
	method: 'POST' | 'GET';
	parameters: IDataObject[];
	/** How many requests to `path` two items send without faults. */
	sends: number;
	doing: RegExp;
}
const endpoints: Endpoint[] = [
	{
		path: '/afip/auth',
		method: 'POST',
		// two services: two tickets, two POSTs
		parameters: ['wsfe', 'ws_sr_constancia_inscripcion'].map((service) => ({
			resource: 'webService',
			operation: 'getAccessTicket',
			environment: 'dev',
			service,
			source: 'afipSdk',
			taxpayerCuit: CUIT,
			options: {},
		})),
		sends: 2,
		doing: /getting an access ticket/,
	},
	{
		path: '/afip/requests',
		method: 'POST',
		parameters: [1, 2].map((ptoVta) => ({
			resource: 'webService',
			operation: 'call',
			environment: 'dev',
			call: 'FECompUltimoAutorizado',
			ptoVta,
			cbteTipo: 6,
			ticketSource: 'afipSdk',
			taxpayerCuit: CUIT,
			options: {},
		})),
		sends: 2,
		doing: /calling wsfe\.FECompUltimoAutorizado/,
	},
	{
		path: '/afip/requests/last-xml',
		method: 'GET',
		parameters: [0, 1].map(() => ({ resource: 'webService', operation: 'getLastRequestXml' })),
		sends: 2,
		doing: /reading the XML of the last request/,
	},
];

describe.each(endpoints)('$method $path', (endpoint) => {
	it.each(AFIPSDK_FAULT_KINDS)(
		'meets %s: the faulted item says what happened, the other item is untouched, nothing is sent twice',
		async (kind) => {
			if (endpoint.path === '/afip/requests/last-xml')
				await run([
					{ resource: 'webService', operation: 'call', environment: 'dev', call: 'FEDummy', options: {} },
					{ resource: 'webService', operation: 'call', environment: 'dev', call: 'FEDummy', options: {} },
				]);
			const fault: AfipSdkFault = {
				method: endpoint.method,
				path: endpoint.path,
				kind,
				status: kind === 'status' ? 500 : undefined,
				times: 1,
			};
			afipSdk.control.faults.push(fault);
			tally.injected++;
			const before = afipSdk.stats.received[`${endpoint.method} ${endpoint.path}`] ?? 0;
			const out = await run(endpoint.parameters);
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			if (out.length !== 2) tally.itemsLost += 2 - out.length;
			const sent = (afipSdk.stats.received[`${endpoint.method} ${endpoint.path}`] ?? 0) - before;
			if (sent > endpoint.sends) tally.sentTwice += sent - endpoint.sends;
			expect(sent).toBe(endpoint.sends);
			expect(out[1].json.error).toBeUndefined();
			if (kind === 'drip') {
				expect(out[0].json.error).toBeUndefined();
				return;
			}
			const error = String(out[0].json.error);
			expect(error).toMatch(endpoint.doing);
			if (kind === 'resetBefore' || kind === 'resetAfter') expect(error).toMatch(/^Could not reach Afip SDK at .*: connection reset/);
			if (kind === 'malformed') expect(error).toMatch(/is not valid JSON \(cut or garbled\)|could not be read/);
			if (kind === 'status') expect(error).toMatch(/Afip SDK answered HTTP 500/);
			expect(error).toMatch(/\(item 1\)$/);
			if (endpoint.method === 'POST' && kind !== 'status')
				expect(String(out[0].json.errorDescription ?? '')).toMatch(/^Not retried automatically: the request may have reached ARCA/);
		},
	);
});
