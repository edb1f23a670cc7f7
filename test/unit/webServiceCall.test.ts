import { authStyle, businessMessages, describeMessages, withAuth } from '../../nodes/ArcaAutomation/protocol/webServiceCall';

const ticket = { token: 'T', sign: 'S', cuit: '20409378472' };

test('where each service takes the ticket', () => {
	expect(authStyle('wsfe', 'FEDummy')).toBe('none');
	expect(withAuth('wsfe', 'FECompUltimoAutorizado', { PtoVta: 1 }, ticket)).toEqual({
		PtoVta: 1,
		Auth: { Token: 'T', Sign: 'S', Cuit: 20409378472 },
	});
	expect(withAuth('wsmtxca', 'x', {}, ticket)).toHaveProperty('Auth');
	expect(withAuth('ws_sr_constancia_inscripcion', 'getPersona_v2', { idPersona: 1 }, ticket)).toEqual({
		idPersona: 1,
		token: 'T',
		sign: 'S',
		cuitRepresentada: 20409378472,
	});
	expect(withAuth('ws_sr_padron_a13', 'getPersona', {}, ticket)).toHaveProperty('cuitRepresentada');
	const params = { PtoVta: 1 };
	withAuth('wsfe', 'FECompUltimoAutorizado', params, ticket);
	expect(params).toEqual({ PtoVta: 1 });
});

test('Errors.Err anywhere (one or many) are errors; observations of an accepted voucher are not; of a rejected one they are', () => {
	const answer = {
		FECAESolicitarResult: {
			Errors: { Err: { Code: 600, Msg: 'ValidacionDeToken' } },
			FeDetResp: {
				FECAEDetResponse: [
					{ Resultado: 'A', Observaciones: { Obs: [{ Code: 10217, Msg: 'observado' }] } },
					{ Resultado: 'R', Observaciones: { Obs: [{ Code: 10016, Msg: 'numero' }] } },
				],
			},
		},
	};
	const messages = businessMessages(answer);
	expect(messages).toEqual([
		{ code: '600', message: 'ValidacionDeToken', kind: 'error' },
		{ code: '10217', message: 'observado', kind: 'observation' },
		{ code: '10016', message: 'numero', kind: 'error' },
	]);
	expect(describeMessages(messages.filter((m) => m.kind === 'error'))).toBe('600: ValidacionDeToken; 10016: numero');
	expect(businessMessages({ FEDummyResult: { AppServer: 'OK' } })).toEqual([]);
	expect(businessMessages(null)).toEqual([]);
});
