/** Issue #18: Firmador's answers in every form a server may send, and the signature's other readings (pure pieces). */
import { createHash, createHmac } from 'node:crypto';

import { field, isProblem, keysOf, providerPhrase, signedValueToBase64, signedXmlText } from '../../nodes/Firmador/protocol/answer';
import { dotnetUrlEncode, uriEscapeDataString } from '../../nodes/Firmador/protocol/dotnetUrlEncode';
import { authorizationValue, decodedUri, signFirmadorRequest } from '../../nodes/Firmador/protocol/hmac';
import { describeDifferences, firmadorWireSettings, probeCandidates, type ProbeSettings } from '../../nodes/Firmador/protocol/wire';

const SIGNATURE = createHash('sha256').update('any').digest(); // 32 bytes standing for a signature
const B64 = SIGNATURE.toString('base64');

describe('HashFirmado in every form → one form (Base64)', () => {
	it.each([
		['Base64', B64, 'base64'],
		['upper-case hex', SIGNATURE.toString('hex').toUpperCase(), 'hex'],
		['lower-case hex', SIGNATURE.toString('hex'), 'hex'],
		["a JSON byte array (the request Hash's form)", Array.from(SIGNATURE), 'bytes'],
		['unpadded Base64url', SIGNATURE.toString('base64url'), 'base64'],
	])('%s', (_label, value, form) => {
		expect(signedValueToBase64(value)).toEqual({ value: B64, form });
	});
	it('empty forms are "no signature", not an error', () => {
		for (const empty of ['', '  ', null, undefined, []]) expect(signedValueToBase64(empty)).toEqual({ value: '', form: 'empty' });
	});
	it('anything else is a problem that says what arrived', () => {
		const object = signedValueToBase64({ bytes: [1] });
		expect(isProblem(object) && object.problem).toBe('HashFirmado is neither text nor a byte array: {"bytes":[1]}');
		const list = signedValueToBase64([1, 300]);
		expect(isProblem(list) && list.problem).toBe('HashFirmado is a list that is not a byte array: [1,300]');
		const text = signedValueToBase64('not a signature!');
		expect(isProblem(text) && text.problem).toMatch(/^HashFirmado is text that is neither Base64 nor hex: "not a signature!"/);
	});
	it('XmlFirmado: text as it came, a byte array as UTF-8, anything else a problem', () => {
		expect(signedXmlText('<a/>')).toBe('<a/>');
		expect(signedXmlText(Array.from(Buffer.from('<á/>')))).toBe('<á/>');
		expect(isProblem(signedXmlText(5))).toBe(true);
	});
});

describe('keys in any case', () => {
	it('reads SessionID as sessionId, sessionid or SESSIONID; lists the keys an answer had', () => {
		for (const key of ['SessionID', 'sessionId', 'sessionid', 'SESSIONID']) expect(field({ [key]: 'x' }, 'SessionID')).toBe('x');
		expect(field({ other: 1 }, 'SessionID')).toBeUndefined();
		expect(keysOf({ Id: 1, State: 2 })).toBe('Id, State');
		expect(keysOf({})).toBe('no keys');
	});
	it('a 204\'s "No Content" is no phrase; the provider\'s text is', () => {
		expect(providerPhrase('No Content')).toBe('');
		expect(providerPhrase('no content ')).toBe('');
		expect(providerPhrase(undefined)).toBe('');
		expect(providerPhrase('El CUIL ingresado no es valido')).toBe('El CUIL ingresado no es valido');
	});
});

describe("the signature's other readings", () => {
	const base = {
		appId: 'app',
		secret: 'c2VjcmV0',
		secretFormat: 'base64' as const,
		method: 'GET',
		url: 'http://h/api/EstadoSolicitud?SessionsID%5b%5d=1',
		timestamp: 1700000000,
		nonce: 'a'.repeat(32),
	};
	const hmac = (raw: string) => createHmac('sha256', Buffer.from('secret')).update(raw).digest('base64');

	it("Uri.EscapeDataString: upper-case hex, RFC 3986 (differs from HttpUtility.UrlEncode on hex case, ~ ! * ( ) ' and space)", () => {
		expect(uriEscapeDataString("http://h/a b~!*()'")).toBe('http%3A%2F%2Fh%2Fa%20b~%21%2A%28%29%27');
		expect(dotnetUrlEncode("http://h/a b~!*()'")).toBe('http%3a%2f%2fh%2fa+b%7e!*()%27');
	});
	it('each reading changes the string to sign exactly as described', () => {
		const lower = base.url.toLowerCase();
		const def = signFirmadorRequest(base);
		expect(def.rawSignatureData).toBe(`appGET${dotnetUrlEncode(lower)}1700000000${'a'.repeat(32)}`);
		const upper = signFirmadorRequest({ ...base, readings: { urlEncoder: 'uriEscapeDataString' } });
		expect(upper.encodedUri).toBe('http%3A%2F%2Fh%2Fapi%2Festadosolicitud%3Fsessionsid%255b%255d%3D1');
		const md5 = signFirmadorRequest({ ...base, readings: { emptyBodyHash: 'md5OfEmpty' } });
		expect(md5.contentMd5Base64).toBe('1B2M2Y8AsgTpgAmY7PhCfg==');
		expect(md5.signature).toBe(hmac(`${def.rawSignatureData}1B2M2Y8AsgTpgAmY7PhCfg==`));
		const decoded = signFirmadorRequest({ ...base, readings: { signedQueryForm: 'decoded' } });
		expect(decoded.encodedUri).toBe(dotnetUrlEncode('http://h/api/estadosolicitud?sessionsid[]=1'));
		// a body's hash is the same in both empty-body readings
		const post = { ...base, method: 'POST', body: '{"a":1}' };
		expect(signFirmadorRequest({ ...post, readings: { emptyBodyHash: 'md5OfEmpty' } }).signature).toBe(signFirmadorRequest(post).signature);
	});
	it('Authorization field orders', () => {
		expect(authorizationValue('signatureNonceTimestamp', 'A', 'S', 'N', 1)).toBe('A:S:N:1');
		expect(authorizationValue('signatureTimestampNonce', 'A', 'S', 'N', 1)).toBe('A:S:1:N');
		expect(authorizationValue('timestampNonceSignature', 'A', 'S', 'N', 1)).toBe('A:1:N:S');
		const prose = signFirmadorRequest({ ...base, readings: { authorizationOrder: 'signatureTimestampNonce' } });
		expect(prose.authorization).toBe(`hmac app:${prose.signature}:1700000000:${'a'.repeat(32)}`);
	});
	it('decodedUri keeps a broken escape as it was', () => {
		expect(decodedUri('/a%5b%5D%zz%e2%82%ac')).toBe('/a[]%zz€');
	});
	it('credential values outside their lists are refused, naming the field', () => {
		expect(() => firmadorWireSettings({ urlEncoder: 'x' })).toThrow(
			'The Firmador API credential\'s URL Encoder "x" is not one of: httpUtility, uriEscapeDataString',
		);
		expect(() => firmadorWireSettings({ status1Means: 'maybe' })).toThrow(/Status 1 Means "maybe"/);
		expect(firmadorWireSettings({}).readings).toEqual({
			uriToSign: 'absoluteUrl',
			urlEncoder: 'httpUtility',
			emptyBodyHash: 'empty',
			authorizationOrder: 'signatureNonceTimestamp',
			signedQueryForm: 'asSent',
		});
	});
});

describe("the credential test's candidates", () => {
	const configured: ProbeSettings = {
		secretFormat: 'base64',
		brackets: 'literal',
		uriToSign: 'absoluteUrl',
		urlEncoder: 'httpUtility',
		emptyBodyHash: 'empty',
		authorizationOrder: 'signatureNonceTimestamp',
		signedQueryForm: 'asSent',
	};
	it('every distinct combination once, the configured one first, nearest next', () => {
		const all = probeCandidates(configured, true);
		// 2 secret formats × 2 URIs × 2 encoders × 2 empty hashes × 3 orders × 3 (literal, encoded as sent, encoded decoded)
		expect(all).toHaveLength(144);
		expect(new Set(all.map((c) => JSON.stringify(c))).size).toBe(144);
		expect(all[0]).toEqual(configured);
		const distance = (c: ProbeSettings) => (Object.keys(c) as Array<keyof ProbeSettings>).filter((k) => c[k] !== configured[k]).length;
		const distances = all.map(distance);
		expect(distances).toEqual([...distances].sort((a, b) => a - b));
		expect(all.some((c) => c.brackets === 'literal' && c.signedQueryForm === 'decoded')).toBe(false);
	});
	it('a secret that is not Base64 is tried as text only', () => {
		expect(probeCandidates({ ...configured, secretFormat: 'text' }, false).every((c) => c.secretFormat === 'text')).toBe(true);
	});
	it("names the settings to change in the credential's words", () => {
		expect(describeDifferences(configured, { ...configured, uriToSign: 'pathAndQuery', emptyBodyHash: 'md5OfEmpty' })).toBe(
			'URI to Sign = Path and Query; Empty Body Hash = MD5 of Empty',
		);
	});
});
