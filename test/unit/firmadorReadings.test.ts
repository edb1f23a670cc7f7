/** Pure pieces behind issue #9 / #10 (Firmador): the seed's two readings, remote paths, response hashes, nonces. */
import { createHmac } from 'node:crypto';

import { FirmadorApi } from '../../credentials/FirmadorApi.credentials';
import { FirmadorSftp } from '../../credentials/FirmadorSftp.credentials';
import { dotnetUrlEncode } from '../../nodes/Firmador/protocol/dotnetUrlEncode';
import { responseHashToSha1Hex, sameHash } from '../../nodes/Firmador/protocol/hashEncoding';
import { signFirmadorRequest, uriForSignature } from '../../nodes/Firmador/protocol/hmac';
import {
	checkBaseFolder,
	checkRemoteFileName,
	fillNamePattern,
	resolveRemoteFolder,
	safeNamePart,
} from '../../nodes/Firmador/protocol/paths';
import { buildAbsoluteUrl, buildQueryString } from '../../nodes/Firmador/protocol/request';
import { describeStatus } from '../../nodes/Firmador/protocol/status';
import { clampSeconds, POLL_INTERVAL_SECONDS, waitSeconds } from '../../nodes/shared/poll';
import { sentence as asSentence, inWords, networkWords } from '../../nodes/shared/words';

const HEX = 'CC282B2E077BBB17E81BB529DE3FA81F964A104F';

describe('string to sign', () => {
	const url = 'http://Firmador.tucertificado.com.ar/api/EstadoSolicitud?SessionsID[]=1&SessionsID[]=2';
	it('absolute URL by default, path and query on request', () => {
		expect(uriForSignature(url)).toBe(url);
		expect(uriForSignature(url, 'pathAndQuery')).toBe('/api/EstadoSolicitud?SessionsID[]=1&SessionsID[]=2');
		expect(uriForSignature('https://h:8443', 'pathAndQuery')).toBe('/');
	});
	it('signs the chosen URI, lower-cased and .NET-encoded', () => {
		const base = {
			appId: 'a',
			secret: 'c2VjcmV0',
			secretFormat: 'base64' as const,
			method: 'GET',
			url,
			timestamp: 1,
			nonce: '0'.repeat(32),
		};
		const path = signFirmadorRequest({ ...base, uriToSign: 'pathAndQuery' });
		expect(path.encodedUri).toBe(dotnetUrlEncode('/api/estadosolicitud?sessionsid[]=1&sessionsid[]=2'));
		const raw = `aGET${path.encodedUri}1${'0'.repeat(32)}`;
		expect(path.signature).toBe(createHmac('sha256', Buffer.from('secret')).update(raw).digest('base64'));
		expect(signFirmadorRequest(base).signature).not.toBe(path.signature);
	});
});

describe('SessionsID[] on the wire', () => {
	it("literal by default, %5b%5d (the seed's lower-case) when encoded", () => {
		expect(buildQueryString({ 'SessionsID[]': ['1', '2'] })).toBe('SessionsID[]=1&SessionsID[]=2');
		expect(buildQueryString({ 'SessionsID[]': ['1', '2'] }, 'encoded')).toBe('SessionsID%5b%5d=1&SessionsID%5b%5d=2');
		expect(buildAbsoluteUrl('http://h', '/api/EstadoSolicitud', { 'SessionsID[]': ['1'] }, 'encoded')).toBe(
			'http://h/api/EstadoSolicitud?SessionsID%5b%5d=1',
		);
	});
});

describe('CodigoEstado 1', () => {
	it('Decide by Message (default): expired only when the message clearly says so; otherwise pending, and statusReason says why', () => {
		expect(describeStatus(1, 'El tiempo para validar la Solicitud ha expirado')).toMatchObject({
			status: 'validationExpired',
			final: true,
			statusFrom: 'message',
		});
		expect(describeStatus(1, 'Solicitud vencida')).toMatchObject({ status: 'validationExpired', final: true });
		expect(describeStatus(1, 'La solicitud caducó')).toMatchObject({ status: 'validationExpired', final: true });
		expect(describeStatus(1, 'Pendiente: la validación expiró')).toMatchObject({ status: 'validationExpired', statusFrom: 'message' });
		// what used to end a live request: any code-1 text that does not say expired, or no text at all
		expect(describeStatus(1, 'Esperando validación del firmante')).toMatchObject({
			status: 'pendingValidation',
			final: false,
			statusFrom: 'message',
		});
		expect(describeStatus(1, 'Esperando validación del firmante').statusReason).toBe(
			'code 1, but the message does not say the validation expired ("Esperando validación del firmante"): still waiting for the signer',
		);
		expect(describeStatus(1, '')).toMatchObject({ status: 'pendingValidation', final: false, statusFrom: 'message' });
		expect(describeStatus(1)).toMatchObject({ status: 'pendingValidation', final: false });
		expect(describeStatus(1, '').statusReason).toMatch(/^code 1 with no message: read as still waiting/);
		expect(describeStatus(1, 'Pendiente de Validacion')).toMatchObject({
			code: 1,
			status: 'pendingValidation',
			final: false,
			statusFrom: 'message',
		});
		expect(describeStatus('1', 'La Solicitud no ha sido validada aún')).toMatchObject({
			status: 'pendingValidation',
			statusFrom: 'message',
		});
		expect(describeStatus(4, 'Pendiente de Validacion')).toMatchObject({ status: 'signed', statusFrom: 'code' });
	});
	it('Always Pending / Always Expired ignore the message and say the setting decided', () => {
		expect(describeStatus(1, 'El tiempo para validar la Solicitud ha expirado', 'pending')).toMatchObject({
			status: 'pendingValidation',
			final: false,
			statusFrom: 'setting',
		});
		expect(describeStatus(1, 'Pendiente de Validacion', 'expired')).toMatchObject({
			status: 'validationExpired',
			final: true,
			statusFrom: 'setting',
			statusReason: 'Status 1 Means is set to Always Expired',
		});
		expect(describeStatus(2, 'x', 'expired')).toMatchObject({ status: 'queued', statusFrom: 'code' });
	});
});

describe('Hash in responses', () => {
	const raw = Buffer.from(HEX, 'hex');
	it.each([
		['upper hex', HEX],
		['lower hex', HEX.toLowerCase()],
		['Base64 of the UTF-16LE hex (.NET byte[])', Buffer.from(HEX, 'utf16le').toString('base64')],
		['Base64 of the raw digest', raw.toString('base64')],
		['raw byte array', Array.from(raw)],
		["UTF-16LE byte array (the seed's request form)", Array.from(Buffer.from(HEX, 'utf16le'))],
	])('%s → the same SHA-1', (_label, value) => {
		expect(responseHashToSha1Hex(value)).toBe(HEX);
		expect(sameHash(value, HEX.toLowerCase())).toBe(true);
	});
	it("the seed's .NET example starts NAAzAEUANwBD… for a hash 43E7C…", () => {
		const hex = '43E7C' + '0'.repeat(35);
		expect(Buffer.from(hex, 'utf16le').toString('base64').startsWith('NAAzAEUANwBD')).toBe(true);
		expect(responseHashToSha1Hex(Buffer.from(hex, 'utf16le').toString('base64'))).toBe(hex);
	});
	it('different hashes and free text', () => {
		expect(sameHash(HEX, '0'.repeat(40))).toBe(false);
		expect(responseHashToSha1Hex('CCC')).toBeUndefined();
		expect(sameHash('my-xml-id', 'MY-XML-ID')).toBe(true);
		expect(responseHashToSha1Hex([1, 2, 300])).toBeUndefined();
	});
});

describe('remote paths', () => {
	it('file names: plain, no control characters or folders', () => {
		expect(checkRemoteFileName('contrato 1.pdf')).toBe('contrato 1.pdf');
		for (const [name, problem] of [
			['a\u0000.pdf', /control character \(U\+0000\)/],
			['a\n.pdf', /control character \(U\+000A\)/],
			['a\u007f.pdf', /control character \(U\+007F\)/],
			['../../etc/passwd', /plain file name/],
			['a\\b.pdf', /plain file name/],
			['..', /not a file name/],
			[' x.pdf', /starts or ends with a space/],
			['x'.repeat(256), /longer than 255 bytes/],
		] as const) {
			expect(() => checkRemoteFileName(name)).toThrow(problem);
		}
	});
	it("folders stay inside the credential's folder", () => {
		expect(checkBaseFolder('/srv/in/')).toBe('/srv/in');
		expect(checkBaseFolder('')).toBe('');
		expect(() => checkBaseFolder('/srv/../etc')).toThrow(/contains \.\./);
		expect(resolveRemoteFolder('/srv/in', '')).toBe('/srv/in');
		expect(resolveRemoteFolder('/srv/in', 'sub/dir/')).toBe('/srv/in/sub/dir');
		expect(resolveRemoteFolder('/srv/in', '/srv/in/x')).toBe('/srv/in/x');
		expect(resolveRemoteFolder('/srv/in', '/srv/in')).toBe('/srv/in');
		expect(resolveRemoteFolder('', 'sub')).toBe('sub');
		expect(() => resolveRemoteFolder('/srv/in', '/srv/inbox')).toThrow(/outside the credential's folder \/srv\/in/);
		expect(() => resolveRemoteFolder('/srv/in', '/etc')).toThrow(/outside/);
		expect(() => resolveRemoteFolder('/srv/in', 'a/../../x')).toThrow(/contains \.\./);
		expect(() => resolveRemoteFolder('', '/etc')).toThrow(/absolute path/);
		expect(() => resolveRemoteFolder('/srv/in', 'a\u0000')).toThrow(/control character/);
	});
	it('name patterns keep $& literal; server names keep only safe characters', () => {
		expect(fillNamePattern('{base}_firmado.pdf', { name: 'a$&b.pdf', base: 'a$&b' })).toBe('a$&b_firmado.pdf');
		expect(fillNamePattern('{name}$1{unknown}', { name: "$'x" })).toBe("$'x$1{unknown}");
		expect(safeNamePart('../../evil$&name', 'x')).toBe('evilname');
		expect(safeNamePart('////', 'item-0')).toBe('item-0');
	});
});

describe('small helpers', () => {
	it('clamps the poll interval and rejects non-numbers', () => {
		const { min, max } = POLL_INTERVAL_SECONDS;
		const fallback = 5;
		expect(clampSeconds(0, fallback, min, max)).toBe(1);
		expect(clampSeconds(1e9, fallback, min, max)).toBe(600);
		expect(clampSeconds('abc', fallback, min, max)).toBe(5);
		expect(clampSeconds('7', fallback, min, max)).toBe(7);
	});
	it('one full stop, never two; network codes in words', () => {
		expect(asSentence('El archivo ya está firmado.')).toBe('El archivo ya está firmado.');
		expect(asSentence('Error de servidor')).toBe('Error de servidor.');
		expect(inWords('connect ECONNREFUSED 127.0.0.1:22')).toBe('connect connection refused 127.0.0.1:22');
		expect(inWords('getaddrinfo ENOTFOUND sftp.example')).toBe('name lookup host not found sftp.example');
		expect(networkWords('ECONNRESET')).toBe('connection reset');
		expect(networkWords(undefined)).toBe('network error');
		// The one clamp every node's wait options go through (only the defaults differ per service).
		expect(waitSeconds({ pollInterval: 0, timeout: 1e9 }, { pollInterval: 60, timeout: 1800 })).toEqual({
			intervalSeconds: 1,
			timeoutSeconds: 86_400,
		});
		expect(waitSeconds({}, { pollInterval: 60, timeout: 1800 })).toEqual({ intervalSeconds: 60, timeoutSeconds: 1800 });
	});
});

describe('credentials', () => {
	it('the API credential says http is unencrypted; the SFTP credential has an explicit, off-by-default Accept Any Host Key', () => {
		const notice = new FirmadorApi().properties.find((p) => p.type === 'notice');
		expect(String(notice?.displayName)).toMatch(/http:\/\/.*unencrypted/);
		const toggle = new FirmadorSftp().properties.find((p) => p.name === 'allowAnyHostKey');
		expect(toggle).toMatchObject({ type: 'boolean', default: false, displayName: 'Accept Any Host Key (Insecure)' });
	});

	it('100,000 signed requests carry 100,000 different nonces', async () => {
		const credential = new FirmadorApi();
		const data = { baseUrl: 'http://firmador.example', appId: 'app', secret: 'c2VjcmV0', keyEncoding: 'base64' };
		const nonces = new Set<string>();
		const signatures = new Set<string>();
		let malformed = 0;
		for (let i = 0; i < 100_000; i++) {
			const out = await credential.authenticate(data, { method: 'GET', url: '/api/HashFirmado', qs: { SessionID: '1' } });
			const [, signature, nonce] = String(out.headers!.Authorization)
				.replace(/^hmac /, '')
				.split(':');
			if (!/^[0-9a-f]{32}$/.test(nonce)) malformed++;
			nonces.add(nonce);
			signatures.add(signature);
		}
		expect(malformed).toBe(0);
		expect(nonces.size).toBe(100_000);
		expect(signatures.size).toBe(100_000);
	});

	it('an options value outside the list is refused before signing', async () => {
		const credential = new FirmadorApi();
		const data = { baseUrl: 'http://h', appId: 'app', secret: 'c2VjcmV0' };
		await expect(credential.authenticate({ ...data, uriToSign: 'fullUrl' }, { method: 'GET', url: '/x' })).rejects.toThrow(
			/URI to Sign "fullUrl" is not one of: absoluteUrl, pathAndQuery/,
		);
		await expect(credential.authenticate({ ...data, queryBrackets: 'x' }, { method: 'GET', url: '/x' })).rejects.toThrow(
			/SessionsID\[\] on the Wire "x"/,
		);
		const out = await credential.authenticate({ ...data, timeoutSeconds: 9999 }, { method: 'GET', url: '/x' });
		expect(out.timeout).toBe(300_000);
	});
});
