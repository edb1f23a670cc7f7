import { hostOf, insecureUrlReason, isLoopbackHost, sentence } from '../../nodes/shared/secureUrl';

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

	test('host of a URL and sentences without a doubled full stop', () => {
		expect(hostOf('https://App.AfipSdk.com:8443/api')).toBe('app.afipsdk.com:8443');
		expect(hostOf('nope')).toBe('');
		expect(sentence('El token proporcionado es invalido.')).toBe('El token proporcionado es invalido.');
		expect(sentence('HTTP 401')).toBe('HTTP 401.');
		expect(`${sentence('Sin saldo!')} Check`).toBe('Sin saldo! Check');
	});
});
