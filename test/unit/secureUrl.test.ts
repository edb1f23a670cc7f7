import {
	insecureUrlReason,
	isLoopbackHost,
	isRedirectStatus,
	redirectTarget,
	userinfoReason,
	withoutUserinfo,
} from '../../nodes/shared/secureUrl';
import { sentence } from '../../nodes/shared/words';

describe('where a secret may travel', () => {
	test('https anywhere; http only to loopback', () => {
		expect(insecureUrlReason('https://app.afipsdk.com/api/v1')).toBeUndefined();
		expect(insecureUrlReason('http://127.0.0.1:8701/api/v1')).toBeUndefined();
		expect(insecureUrlReason('http://127.10.0.3/x')).toBeUndefined();
		expect(insecureUrlReason('http://localhost:1/')).toBeUndefined();
		expect(insecureUrlReason('http://[::1]:9/')).toBeUndefined();
		expect(insecureUrlReason('http://app.afipsdk.com/api/v1')).toMatch(/is plain http/);
		expect(insecureUrlReason('http://127.0.0.1.evil.example/')).toMatch(/is plain http/);
		expect(insecureUrlReason('http://10.0.0.5/')).toMatch(/is plain http/);
		expect(insecureUrlReason('ftp://127.0.0.1/')).toMatch(/must start with https/);
		expect(insecureUrlReason('app.afipsdk.com')).toMatch(/is not a URL/);
	});

	test('loopback hosts', () => {
		expect(['localhost', '127.0.0.1', '::1', '[::1]', 'LOCALHOST'].every(isLoopbackHost)).toBe(true);
		expect(['127.0.0.1.nip.io', '0.0.0.0', 'example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
	});

	test('sentences without a doubled full stop', () => {
		expect(sentence('El token proporcionado es invalido.')).toBe('El token proporcionado es invalido.');
		expect(sentence('HTTP 401')).toBe('HTTP 401.');
		expect(`${sentence('Sin saldo!')} Check`).toBe('Sin saldo! Check');
	});

	test('a URL with user:password@ is refused without repeating it, parsable or not', () => {
		for (const url of [
			'https://user:pass@app.afipsdk.com/api/v1',
			'https://user@host/',
			'http://u:p@127.0.0.1:999999/x',
			'https://:p@host',
		]) {
			expect(userinfoReason(url)).toMatch(/^contains a user name or password/);
			expect(insecureUrlReason(url)).toBe(userinfoReason(url));
		}
		expect(userinfoReason('https://app.afipsdk.com/api/v1?next=a@b')).toBeUndefined();
		expect(withoutUserinfo('see "http://u:p@host:1/x" and https://a@b/')).toBe('see "http://host:1/x" and https://b/');
	});

	test('a redirect is named by its host only (http:// when it leaves https), never its path, query or user', () => {
		expect([301, 302, 303, 307, 308].every(isRedirectStatus)).toBe(true);
		expect([200, 304, 400].some(isRedirectStatus)).toBe(false);
		expect(redirectTarget('https://u:p@other.example:8443/x?token=1', 'https://app.afipsdk.com/api')).toBe('other.example:8443');
		expect(redirectTarget('http://other.example/x', 'https://app.afipsdk.com/api')).toBe('http://other.example');
		expect(redirectTarget(['/login?next=1'], 'https://app.afipsdk.com/api')).toBe('app.afipsdk.com');
		expect(redirectTarget('/login', '/api/Firmador')).toBe('another path');
		expect(redirectTarget(undefined, 'https://a/')).toBe('an address it did not give');
	});
});
