import {
	isReusable,
	isStillValid,
	MAX_TICKETS,
	pruneTickets,
	REUSE_MARGIN_MS,
	ticketKey,
	type StoredTicket,
} from '../../nodes/ArcaAutomation/protocol/ticketCache';
import {
	buildTra,
	elementText,
	loginCmsEnvelope,
	parseLoginCmsAnswer,
	wsaaFaultAdvice,
	xmlEscape,
	xmlUnescape,
	xsdDateTime,
} from '../../nodes/ArcaAutomation/protocol/wsaa';

const now = new Date('2026-12-06T13:00:00.000Z');

describe('WSAA login ticket request (TRA)', () => {
	test('generation a few minutes in the past, expiration ahead, service and uniqueId', () => {
		const tra = buildTra({ service: 'wsfe', now, uniqueId: 4_000_000_000 });
		expect(tra.startsWith('<?xml version="1.0" encoding="UTF-8"?><loginTicketRequest version="1.0">')).toBe(true);
		expect(elementText(tra, 'uniqueId')).toBe('4000000000');
		expect(elementText(tra, 'generationTime')).toBe('2026-12-06T12:55:00Z');
		expect(elementText(tra, 'expirationTime')).toBe('2026-12-06T13:10:00Z');
		expect(elementText(tra, 'service')).toBe('wsfe');
	});

	test('uniqueId defaults to epoch seconds and stays a 32-bit unsigned integer', () => {
		expect(elementText(buildTra({ service: 'wsfe', now }), 'uniqueId')).toBe(String(Math.floor(now.getTime() / 1000)));
		expect(elementText(buildTra({ service: 'wsfe', now, uniqueId: 2 ** 32 + 5 }), 'uniqueId')).toBe('5');
	});

	test('a service id that could break the XML is refused', () => {
		expect(() => buildTra({ service: 'ws</service><x>', now })).toThrow('not a web service id');
		expect(() => buildTra({ service: '', now })).toThrow();
	});

	test('xsd:dateTime without milliseconds', () => expect(xsdDateTime(now)).toBe('2026-12-06T13:00:00Z'));

	test('the SOAP envelope carries the CMS in loginCms/in0 and refuses non-Base64', () => {
		const envelope = loginCmsEnvelope('QUJD+/==');
		expect(envelope).toContain('xmlns:wsaa="http://wsaa.view.sua.dvadac.desein.afip.gov"');
		expect(elementText(envelope, 'in0')).toBe('QUJD+/==');
		expect(() => loginCmsEnvelope('<x/>')).toThrow('Base64');
	});
});

const ticketResponse = (token: string, sign: string, expiration = '2026-12-07T01:00:00.000-03:00') =>
	`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><loginTicketResponse version="1.0"><header><source>CN=wsaahomo, O=AFIP, C=AR, SERIALNUMBER=CUIT 33693450239</source><destination>SERIALNUMBER=CUIT 20409378472, CN=demo</destination><uniqueId>123</uniqueId><generationTime>2026-12-06T10:00:00.000-03:00</generationTime><expirationTime>${expiration}</expirationTime></header><credentials><token>${token}</token><sign>${sign}</sign></credentials></loginTicketResponse>`;

const soapAnswer = (inner: string) =>
	`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><loginCmsResponse xmlns="http://wsaa.view.sua.dvadac.desein.afip.gov"><loginCmsReturn>${inner}</loginCmsReturn></loginCmsResponse></soapenv:Body></soapenv:Envelope>`;

describe('reading LoginCms answers', () => {
	test('the XML-escaped loginTicketResponse gives token, sign and expiration', () => {
		const answer = parseLoginCmsAnswer(soapAnswer(xmlEscape(ticketResponse('PD94bWw+dG9r', 'c2ln+bg=='))));
		expect(answer).toEqual({
			ticket: {
				token: 'PD94bWw+dG9r',
				sign: 'c2ln+bg==',
				expirationTime: '2026-12-07T01:00:00.000-03:00',
				generationTime: '2026-12-06T10:00:00.000-03:00',
				uniqueId: '123',
			},
		});
	});

	test('the same inside CDATA', () => {
		const answer = parseLoginCmsAnswer(soapAnswer(`<![CDATA[${ticketResponse('tok', 'sig')}]]>`));
		expect('ticket' in answer && answer.ticket.token).toBe('tok');
	});

	test('a SOAP fault: the code without its namespace prefix, the Spanish message', () => {
		const body =
			'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode xmlns:ns1="http://xml.apache.org/axis/">ns1:coe.alreadyAuthenticated</faultcode><faultstring>El CEE ya posee un TA valido para el acceso al WSN solicitado</faultstring><detail/></soapenv:Fault></soapenv:Body></soapenv:Envelope>';
		expect(parseLoginCmsAnswer(body)).toEqual({
			fault: { code: 'coe.alreadyAuthenticated', message: 'El CEE ya posee un TA valido para el acceso al WSN solicitado' },
		});
	});

	test.each([
		['no loginCmsReturn', '<html>Bad gateway</html>', 'neither loginCmsReturn'],
		[
			'no token',
			soapAnswer(xmlEscape('<loginTicketResponse><credentials><sign>x</sign></credentials></loginTicketResponse>')),
			'no token or sign',
		],
		['bad expiration', soapAnswer(xmlEscape(ticketResponse('t', 's', 'mañana'))), 'expirationTime'],
	])('%s is unreadable, without echoing secrets', (_name, body, reason) => {
		const answer = parseLoginCmsAnswer(body);
		expect('unreadable' in answer && answer.unreadable).toContain(reason);
	});

	test('xmlUnescape reads named and numeric entities', () => expect(xmlUnescape('&lt;a&gt; &amp;amp; &#65;&#x42;')).toBe('<a> &amp; AB'));
});

describe('WSAA faults in words', () => {
	test.each([
		['coe.notAuthorized', 'Web Service → Authorize'],
		['coe.alreadyAuthenticated', 'up to 12 hours'],
		['cms.cert.untrusted', 'testing certificate does not work in production'],
		['cms.cert.expired', 'Renew'],
		['xml.generationTime.invalid', 'clock'],
		['xml.expirationTime.invalid', 'clock'],
	])('%s → %s', (code, advice) => {
		const { summary, advice: text } = wsaaFaultAdvice({ code, message: 'x' }, 'wsfe', 'prod');
		expect(`${summary} ${text}`).toContain(advice);
	});
});

describe('ticket reuse', () => {
	const ticket = (minutesLeft: number): StoredTicket => ({
		token: 't',
		sign: 's',
		expirationTime: new Date(now.getTime() + minutesLeft * 60_000).toISOString(),
		service: 'wsfe',
		environment: 'dev',
		source: 'wsaa',
		obtainedAt: now.toISOString(),
	});

	test('reused until the margin before expiry, valid until expiry', () => {
		expect(isReusable(ticket(11), now)).toBe(true);
		expect(isReusable(ticket(9), now)).toBe(false);
		expect(isStillValid(ticket(9), now)).toBe(true);
		expect(isStillValid(ticket(-1), now)).toBe(false);
		expect(REUSE_MARGIN_MS).toBe(10 * 60_000);
		expect(isReusable(undefined, now)).toBe(false);
		expect(isReusable({ ...ticket(60), expirationTime: 'never' }, now)).toBe(false);
	});

	test('the key: source, environment, certificate fingerprint or CUIT, service', () => {
		expect(ticketKey({ source: 'wsaa', environment: 'dev', service: 'wsfe', certificateFingerprint: 'ab:cd' })).toBe(
			'wsaa|dev|cert:ABCD|wsfe',
		);
		expect(ticketKey({ source: 'afipSdk', environment: 'prod', service: 'wsfe', cuit: '20409378472' })).toBe(
			'afipSdk|prod|cuit:20409378472|wsfe',
		);
	});

	test('pruning drops expired tickets and keeps the latest MAX_TICKETS', () => {
		const store: Record<string, StoredTicket> = { old: ticket(-5) };
		for (let i = 0; i < MAX_TICKETS + 3; i++) store[`k${i}`] = ticket(60 + i);
		const pruned = pruneTickets(store, now);
		expect(Object.keys(pruned)).toHaveLength(MAX_TICKETS);
		expect(pruned.old).toBeUndefined();
		expect(pruned.k0).toBeUndefined();
		expect(pruned[`k${MAX_TICKETS + 2}`]).toBeDefined();
	});
});
