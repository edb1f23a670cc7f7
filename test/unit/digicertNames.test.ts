import { listIssuedOrders, MAX_ORDER_PAGES } from '../../nodes/CertificateTrigger/candidates';
import { DigiCertClient } from '../../nodes/DigiCertCodeSigning/transport';
import { outputFileName } from '../../nodes/shared/outputFileName';

describe('names and lists from the server are bounded', () => {
	test('a Content-Disposition file name keeps its last segment only, without control characters or ..', () => {
		expect(outputFileName('code_signing_123.zip')).toBe('code_signing_123.zip');
		expect(outputFileName('../../../../etc/passwd')).toBe('passwd');
		expect(outputFileName('..\\..\\windows\\system.ini')).toBe('system.ini');
		expect(outputFileName('a\u0000b\nc.pem')).toBe('abc.pem');
		expect(outputFileName('cert..pem')).toBe('cert.pem');
		expect(outputFileName('$&.pem')).toBe('$&.pem');
		expect(outputFileName('..')).toBeUndefined();
		expect(outputFileName('dir/')).toBeUndefined();
		expect(outputFileName(undefined)).toBeUndefined();
	});

	test('an order listing that never ends stops at the page cap, saying so', async () => {
		let calls = 0;
		class EndlessList extends DigiCertClient {
			async request(): Promise<unknown> {
				calls++;
				return { orders: Array.from({ length: 1000 }, (_, i) => ({ id: calls * 10_000 + i })), page: { total: 10_000_000 } };
			}
		}
		await expect(listIssuedOrders(new EndlessList({ getNode: () => ({ name: 'Certificate Trigger' }) } as never), {})).rejects.toThrow(
			/more than 50000 orders \(50 pages\) without an end; narrow the trigger/,
		);
		expect(calls).toBe(MAX_ORDER_PAGES);
	});

	test('an account that ends exactly on the page cap is listed whole, not reported as endless', async () => {
		const pageCalls: number[] = [];
		class ExactFit extends DigiCertClient {
			async request(_method: string, _path: string, options: { qs?: Record<string, unknown> } = {}): Promise<unknown> {
				const offset = Number(options.qs?.offset);
				pageCalls.push(offset);
				return { orders: Array.from({ length: 1000 }, (_, i) => ({ id: offset + i })), page: { total: MAX_ORDER_PAGES * 1000 } };
			}
		}
		const orders = await listIssuedOrders(new ExactFit({} as never), {});
		expect(orders).toHaveLength(MAX_ORDER_PAGES * 1000);
		expect(pageCalls).toHaveLength(MAX_ORDER_PAGES);
	});
});
