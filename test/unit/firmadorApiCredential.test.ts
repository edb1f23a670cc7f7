import { createHash, createHmac } from 'node:crypto';

import { FirmadorApi } from '../../credentials/FirmadorApi.credentials';
import { buildAbsoluteUrl, buildQueryString, serialiseBody } from '../../nodes/Firmador/protocol/request';

const credentials = {
	baseUrl: 'http://Firmador.TuCertificado.com.ar/',
	appId: 'app-1',
	secret: 'A93reRTUJHsCuQSHR+L3GxqOJyDmQpCgps102ciuabc=',
	keyEncoding: 'base64',
};

function parseAuth(header: string) {
	const [appId, signature, nonce, timestamp] = header.replace(/^hmac /, '').split(':');
	return { appId, signature, nonce, timestamp: Number(timestamp) };
}

describe('FirmadorApi.authenticate', () => {
	const credential = new FirmadorApi();

	it('moves the query into the URL with literal brackets and signs that URL', async () => {
		const out = await credential.authenticate(credentials, {
			method: 'GET',
			url: '/api/EstadoSolicitud',
			qs: { 'SessionsID[]': ['1', 'a b'] },
			body: {},
		});
		expect(out.url).toBe('http://firmador.tucertificado.com.ar/api/EstadoSolicitud?SessionsID[]=1&SessionsID[]=a%20b');
		expect(out.qs).toBeUndefined();
		expect(out.baseURL).toBeUndefined();
		expect(out.body).toBeUndefined();
		const auth = parseAuth(String(out.headers!.Authorization));
		expect(auth.nonce).toMatch(/^[0-9a-f]{32}$/);
		expect(Math.abs(auth.timestamp - Date.now() / 1000)).toBeLessThan(5);
		// recompute independently: lower-case URL, .NET-style encoding, no body hash
		const encoded = encodeURIComponent(String(out.url).toLowerCase()).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
		const raw = `app-1GET${encoded}${auth.timestamp}${auth.nonce}`;
		expect(auth.signature).toBe(createHmac('sha256', Buffer.from(credentials.secret, 'base64')).update(raw).digest('base64'));
	});

	it('serialises the body once, sends that string and signs its MD5', async () => {
		const body = { CUILPersona: '20111111112', Razon: 'año', Visible: false };
		const out = await credential.authenticate(credentials, {
			method: 'POST',
			url: '/api/Firmador',
			body,
			headers: { authorization: 'old' },
		});
		expect(out.body).toBe(JSON.stringify(body));
		expect(out.json).toBe(false);
		expect(out.headers!['Content-Type']).toBe('application/json; charset=utf-8');
		expect(out.headers!.authorization).toBeUndefined();
		const auth = parseAuth(String(out.headers!.Authorization));
		const md5 = createHash('md5')
			.update(Buffer.from(JSON.stringify(body), 'utf8'))
			.digest('base64');
		const encoded = encodeURIComponent('http://firmador.tucertificado.com.ar/api/firmador').replace(/%[0-9A-F]{2}/g, (m) =>
			m.toLowerCase(),
		);
		const raw = `app-1POST${encoded}${auth.timestamp}${auth.nonce}${md5}`;
		expect(auth.signature).toBe(createHmac('sha256', Buffer.from(credentials.secret, 'base64')).update(raw).digest('base64'));
	});

	it('uses a fresh nonce on every call (a retry is a new signature)', async () => {
		const a = await credential.authenticate(credentials, { method: 'GET', url: '/api/HashFirmado', qs: { SessionID: 'x' } });
		const b = await credential.authenticate(credentials, { method: 'GET', url: '/api/HashFirmado', qs: { SessionID: 'x' } });
		expect(parseAuth(String(a.headers!.Authorization)).nonce).not.toBe(parseAuth(String(b.headers!.Authorization)).nonce);
	});

	it('keeps a base path, drops a default port and rejects non-http URLs', () => {
		expect(buildAbsoluteUrl('https://h.example:443/firmador/', '/api/X', { SessionID: "x'y" })).toBe(
			'https://h.example/firmador/api/X?SessionID=x%27y',
		);
		expect(() => buildAbsoluteUrl('ftp://h', '/api/X')).toThrow(/http or https/);
		expect(buildQueryString({ 'a[]': [1, 2], b: undefined })).toBe('a[]=1&a[]=2');
		expect(serialiseBody('GET', {})).toBe('');
		expect(serialiseBody('POST', '{"a":1}')).toBe('{"a":1}');
	});
});
