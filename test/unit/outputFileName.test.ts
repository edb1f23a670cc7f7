import { outputFileName } from '../../nodes/shared/outputFileName';

test('an output file name is one plain name: last segment, no control or Windows-refused characters, no .. or leading dot', () => {
	expect(outputFileName('create-cert-dev_../../../../home/node/.n8n/evil.crt.pem')).toBe('evil.crt.pem');
	expect(outputFileName('automation_..\\..\\Windows\\win.ini')).toBe('win.ini');
	expect(outputFileName('.bashrc')).toBe('bashrc');
	expect(outputFileName('a<b>c:d"e|f?g*h.pem')).toBe('a_b_c_d_e_f_g_h.pem');
	expect(outputFileName('cert.pem. . ')).toBe('cert.pem');
	expect(outputFileName('x'.repeat(300))).toHaveLength(200);
	expect(outputFileName('../')).toBeUndefined();
	expect(outputFileName('...')).toBeUndefined();
});
