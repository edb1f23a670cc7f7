/** The WSAA simulator's switches and state, driven over HTTP as `npm run dev` users and other tests do. */
import { startWsaaSimulator, WSAA_SWITCHES, type WsaaSimulator } from '../simulators/wsaa/server';

let wsaa: WsaaSimulator;
beforeAll(async () => {
	wsaa = await startWsaaSimulator();
});
afterAll(async () => await wsaa?.close());

const control = async (method: string, action: string, body?: unknown) => {
	const response = await fetch(`${wsaa.url}/_control/${action}`, {
		method,
		headers: { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

test('every switch can be set over HTTP; unknown switches and values are refused', async () => {
	expect(Object.keys(WSAA_SWITCHES).sort()).toEqual(['clockOffsetSeconds', 'digests', 'responseDelayMs', 'soapAction', 'ticketHours']);
	const set = await control('POST', 'configure', {
		soapAction: 'loginCms',
		digests: 'sha1',
		clockOffsetSeconds: -30,
		ticketHours: 1,
		responseDelayMs: 0,
	});
	expect(set).toEqual({
		status: 200,
		body: { soapAction: 'loginCms', digests: 'sha1', clockOffsetSeconds: -30, ticketHours: 1, responseDelayMs: 0 },
	});
	expect(wsaa.control.soapAction).toBe('loginCms');
	expect((await control('POST', 'configure', { soapAction: 'maybe' })).status).toBe(400);
	expect((await control('POST', 'configure', { nope: 1 })).status).toBe(400);
	expect((await control('POST', 'configure', { ticketHours: 0 })).status).toBe(400);
	expect((await control('POST', 'configure', { responseDelayMs: -1 })).status).toBe(400);
});

test('authorize, expire tickets and read stats over HTTP', async () => {
	expect(await control('POST', 'authorize', { environment: 'dev', cuit: '20409378472', alias: 'a', service: 'wsfe' })).toEqual({
		status: 200,
		body: { authorized: 'dev:20409378472:a:wsfe' },
	});
	expect(wsaa.arca.isAuthorized('dev', '20409378472', 'a', 'wsfe')).toBe(true);
	expect((await control('POST', 'authorize', { environment: 'test' })).status).toBe(400);
	expect((await control('DELETE', 'tickets')).body).toEqual({ expired: 0 });
	expect((await control('GET', 'stats')).body).toMatchObject({ loginRequests: 0, ticketsIssued: 0 });
});

test('LoginCms answers a SOAP fault with HTTP 500 to a request that is not SOAP', async () => {
	const response = await fetch(wsaa.loginUrl.dev, {
		method: 'POST',
		headers: { 'Content-Type': 'text/xml', SOAPAction: 'loginCms' },
		body: '<x/>',
	});
	expect(response.status).toBe(500);
	const text = await response.text();
	expect(text).toContain('<faultcode xmlns:ns1="http://xml.apache.org/axis/">ns1:xml.bad</faultcode>');
});
