import {
	codeParts,
	describeDigiCertFailure,
	formatDigiCertErrors,
	hasCode,
	isInvalidApiKey,
	parseDigiCertErrors,
} from '../../nodes/DigiCertCodeSigning/transport/errors';

describe('DigiCert errors', () => {
	const body = {
		errors: [
			{ code: 'invalid_value:validity_years', message: 'Validity years must be 1.' },
			{ code: 'invalid_value:organization.id', message: 'Organization id must be an integer.' },
		],
	};

	it('keeps every {code, message}', () => {
		expect(parseDigiCertErrors(body)).toEqual(body.errors);
		expect(formatDigiCertErrors(parseDigiCertErrors(JSON.stringify(body)))).toBe(
			'invalid_value:validity_years: Validity years must be 1.; invalid_value:organization.id: Organization id must be an integer.',
		);
	});

	it('parses JSON text and Buffers; keeps non-JSON text short', () => {
		expect(parseDigiCertErrors(Buffer.from(JSON.stringify(body)))).toHaveLength(2);
		expect(parseDigiCertErrors('<html>Bad gateway</html>')).toEqual([{ code: 'unparsed_response', message: '<html>Bad gateway</html>' }]);
		expect(parseDigiCertErrors('')).toEqual([]);
		expect(parseDigiCertErrors({ orders: [] })).toEqual([]);
	});

	it('understands compound codes', () => {
		const entries = parseDigiCertErrors({
			errors: [{ code: 'access_denied|access_denied_invalid_key', message: 'The API key is invalid.' }],
		});
		expect(codeParts(entries[0].code)).toEqual(['access_denied', 'access_denied_invalid_key']);
		expect(isInvalidApiKey(entries)).toBe(true);
		expect(hasCode(entries, 'access_denied')).toBe(true);
		expect(hasCode(body.errors, 'invalid_value')).toBe(true);
		expect(isInvalidApiKey(body.errors)).toBe(false);
	});

	it('describes a failure with the API message, HTTP code and path (no query string)', () => {
		const bad = describeDigiCertFailure(
			403,
			{ errors: [{ code: 'access_denied|access_denied_invalid_key', message: 'Invalid key' }] },
			'get',
			'/user/me?x=1',
		);
		expect(bad.message).toBe('DigiCert rejected the API key (invalid API key): access_denied|access_denied_invalid_key: Invalid key');
		expect(bad.description).toBe('HTTP 403 from GET /user/me');
		expect(
			describeDigiCertFailure(429, { errors: [{ code: 'request_limit_exceeded', message: 'Slow down' }] }, 'GET', '/x').message,
		).toMatch(/^DigiCert rate limit exceeded: request_limit_exceeded: Slow down/);
		expect(describeDigiCertFailure(502, '', 'GET', '/x').message).toBe('DigiCert server error: HTTP 502 without an error body');
		expect(
			describeDigiCertFailure(404, { errors: [{ code: 'not_found|order', message: 'Order not found' }] }, 'GET', '/order/certificate/9')
				.message,
		).toBe('Not found in DigiCert: not_found|order: Order not found');
	});
});
