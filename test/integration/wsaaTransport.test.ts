/**
 * The WSAA transport against the WSAA simulator, through n8n-core's real httpRequest: a certificate the
 * shared ARCA state issued and authorized gets a ticket; each fault ARCA sends reads in words; SOAPAction
 * and digest switches; redirects are never followed; secrets never reach a message.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IExecuteFunctions } from 'n8n-workflow';

import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { loginCms, type WsaaLogin } from '../../nodes/ArcaAutomation/transport/wsaa';
import { createArcaState, type ArcaState } from '../simulators/arcaState';
import { startWsaaSimulator, type WsaaSimulator } from '../simulators/wsaa/server';
import { executeContext } from '../support/nodeContext';

jest.setTimeout(60_000);

const CUIT = '20409378472';
let arca: ArcaState;
let wsaa: WsaaSimulator;
let ctx: IExecuteFunctions;
let dev: { certPem: string; keyPem: string };

const subject = (alias: string) => `/C=AR/O=${alias}/CN=${alias}/serialNumber=CUIT ${CUIT}`;

beforeAll(async () => {
	arca = createArcaState();
	wsaa = await startWsaaSimulator({ arca });
	ctx = executeContext(new ArcaAutomation(), { parameters: {}, credentials: {} }).ctx;
	dev = arca.cas.dev.issue({ subject: subject('facturacion'), days: 730, keyFormat: 'pkcs1', notBefore: new Date(Date.now() - 3600_000) });
	arca.authorize('dev', CUIT, 'facturacion', 'wsfe');
	arca.authorize('dev', CUIT, 'facturacion', 'ws_sr_constancia_inscripcion');
});

afterAll(async () => {
	await wsaa?.close();
	arca?.dispose();
});

beforeEach(() => {
	arca.tickets.clear();
	Object.assign(wsaa.control, { soapAction: 'any', digests: 'both', clockOffsetSeconds: 0 });
});

const login = (overrides: Partial<WsaaLogin> = {}): WsaaLogin => ({
	environment: 'dev',
	service: 'wsfe',
	certificatePem: dev.certPem,
	privateKeyPem: dev.keyPem,
	url: wsaa.loginUrl.dev,
	...overrides,
});

async function failure(overrides: Partial<WsaaLogin> = {}) {
	const error = await loginCms.call(ctx, 0, login(overrides)).then(
		() => undefined,
		(e: Error & { description?: string; wsaaFault?: { code: string } }) => e,
	);
	expect(error).toBeDefined();
	const text = `${error!.message} ${error!.description ?? ''}`;
	expect(text).not.toContain('PRIVATE KEY');
	expect(text).not.toContain(dev.keyPem.split('\n')[1]);
	return { message: error!.message, description: error!.description ?? '', code: error!.wsaaFault?.code };
}

test('a certificate of the testing CA, authorized for wsfe, gets a ticket the shared state knows', async () => {
	const ticket = await loginCms.call(ctx, 0, login());
	expect(Date.parse(ticket.expirationTime) - Date.now()).toBeGreaterThan(11 * 3600_000);
	expect(arca.ticketFor(ticket.token, ticket.sign)).toMatchObject({ environment: 'dev', cuit: CUIT, service: 'wsfe', issuedBy: 'wsaa' });
	expect(wsaa.stats.lastDigest).toBe('sha256');
	expect(wsaa.stats.lastSoapAction).toBe('""');
});

test('a second request while the ticket is valid: coe.alreadyAuthenticated, in words, and no retry', async () => {
	await loginCms.call(ctx, 0, login());
	const before = wsaa.stats.loginRequests;
	const { message, description, code } = await failure();
	expect(code).toBe('coe.alreadyAuthenticated');
	expect(message).toBe('ARCA already issued an access ticket for "wsfe" to this certificate, and it is still valid (item 1)');
	expect(description).toContain('up to 12 hours');
	expect(description).toContain('Afip SDK');
	expect(wsaa.stats.loginRequests).toBe(before + 1);
});

test('a service the certificate is not authorized for: coe.notAuthorized → run Authorize', async () => {
	const { message, description, code } = await failure({ service: 'wsfex' });
	expect(code).toBe('coe.notAuthorized');
	expect(message).toContain('has not authorized this certificate for the web service "wsfex"');
	expect(description).toContain('Run Web Service → Authorize');
});

test('a testing certificate against production: cms.cert.untrusted', async () => {
	const { description, code } = await failure({ environment: 'prod', url: wsaa.loginUrl.prod });
	expect(code).toBe('cms.cert.untrusted');
	expect(description).toContain('testing certificate does not work in production');
});

test('an expired certificate: cms.cert.expired → renew it', async () => {
	const old = arca.cas.dev.issue({ subject: subject('viejo'), days: 1, notBefore: new Date(Date.now() - 3 * 86_400_000) });
	arca.authorize('dev', CUIT, 'viejo', 'wsfe');
	const { code, description } = await failure({ certificatePem: old.certPem, privateKeyPem: old.keyPem });
	expect(code).toBe('cms.cert.expired');
	expect(description).toContain('Renew');
});

test("WSAA's clock 10 minutes behind this machine: xml.generationTime.invalid → check the clock", async () => {
	wsaa.control.clockOffsetSeconds = -600;
	const { code, description } = await failure();
	expect(code).toBe('xml.generationTime.invalid');
	expect(description).toContain('clock');
	// 4 minutes behind is absorbed: the TRA's generation time lies 5 minutes in the past.
	wsaa.control.clockOffsetSeconds = -240;
	await expect(loginCms.call(ctx, 0, login())).resolves.toHaveProperty('token');
});

test('SOAPAction switch: loginCms required → the default "" fails, the option loginCms passes; empty required → the reverse', async () => {
	wsaa.control.soapAction = 'loginCms';
	const { description } = await failure();
	expect(description).toContain('SOAPAction');
	await expect(loginCms.call(ctx, 0, login({ soapAction: 'loginCms' }))).resolves.toHaveProperty('token');
	arca.tickets.clear();
	wsaa.control.soapAction = 'empty';
	expect((await failure({ soapAction: 'loginCms' })).description).toContain('SOAPAction');
	await expect(loginCms.call(ctx, 0, login())).resolves.toHaveProperty('token');
});

test('digest switch: SHA-1 only refuses SHA-256 (cms.sign.invalid) and takes SHA-1', async () => {
	wsaa.control.digests = 'sha1';
	expect((await failure()).code).toBe('cms.sign.invalid');
	await expect(loginCms.call(ctx, 0, login({ digest: 'sha1' }))).resolves.toHaveProperty('token');
	expect(wsaa.stats.lastDigest).toBe('sha1');
});

test("a key that is not the certificate's is refused before any request", async () => {
	const other = arca.cas.dev.issue({ subject: subject('otro') });
	const before = wsaa.stats.loginRequests;
	const { message } = await failure({ privateKeyPem: other.keyPem });
	expect(message).toBe('Could not sign the login request: the private key does not belong to the certificate (item 1)');
	expect(wsaa.stats.loginRequests).toBe(before);
});

test('plain http off loopback is refused; a redirect is not followed', async () => {
	expect((await failure({ url: 'http://wsaa.example.com/ws/services/LoginCms' })).message).toContain('plain http');
	let hits = 0;
	const server = createServer((req, res) => {
		hits++;
		res.writeHead(302, { Location: `${wsaa.loginUrl.dev}?from=redirect` }).end();
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ws/services/LoginCms`;
	const before = wsaa.stats.loginRequests;
	const { message } = await failure({ url });
	server.close();
	expect(message).toContain('WSAA answered 302 redirecting to');
	expect(message).toContain('not repeated');
	expect(hits).toBe(1);
	expect(wsaa.stats.loginRequests).toBe(before);
});

test('an unknown service: wsn.unavailable', async () => {
	expect((await failure({ service: 'ws_no_existe' })).code).toBe('wsn.unavailable');
});
