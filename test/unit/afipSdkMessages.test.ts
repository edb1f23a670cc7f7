import { isLoginRejection, providerMessage } from '../../nodes/ArcaAutomation/transport/messages';

describe('Afip SDK messages', () => {
	test('finds the message where each documented answer keeps it', () => {
		expect(providerMessage({ status: 'error', data: { message: 'Número de CUIL/CUIT incorrecto' } })).toBe(
			'Número de CUIL/CUIT incorrecto',
		);
		expect(providerMessage({ message: 'El token proporcionado es invalido.' })).toBe('El token proporcionado es invalido.');
		expect(
			providerMessage({
				message: 'The given data was invalid.',
				data_errors: { 'params.alias': ['The params.alias field is required.'], automation: ['a', 'b'] },
			}),
		).toBe('The given data was invalid. params.alias: The params.alias field is required.; automation: a, b');
		expect(providerMessage(undefined)).toBeUndefined();
		expect(providerMessage('Bad Gateway')).toBe('Bad Gateway');
	});

	test('recognises a rejected login and nothing else', () => {
		expect(isLoginRejection('ARCA automation failed: Clave o usuario incorrecto')).toBe(true);
		expect(isLoginRejection('Usuario o contraseña incorrectos')).toBe(true);
		expect(isLoginRejection('Número de CUIL/CUIT incorrecto')).toBe(false);
		expect(isLoginRejection('No existe certificado con el alias demo')).toBe(false);
		expect(isLoginRejection(undefined)).toBe(false);
	});
});
