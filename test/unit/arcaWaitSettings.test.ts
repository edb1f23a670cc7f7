import { waitSettings } from '../../nodes/ArcaAutomation/actions/common';

describe('ARCA wait settings', () => {
	test('an interval of 0 (e.g. from an expression) is raised to 1 s; absurd values are bounded', () => {
		expect(waitSettings({ pollInterval: 0, timeout: 0 })).toEqual({ intervalSeconds: 1, timeoutSeconds: 1 });
		expect(waitSettings({ pollInterval: -5, timeout: 1e9 })).toEqual({ intervalSeconds: 1, timeoutSeconds: 86_400 });
		expect(waitSettings({ pollInterval: Number.NaN })).toEqual({ intervalSeconds: 5, timeoutSeconds: 300 });
		expect(waitSettings({})).toEqual({ intervalSeconds: 5, timeoutSeconds: 300 });
		expect(waitSettings({ pollInterval: 2.5, timeout: 60 })).toEqual({ intervalSeconds: 2.5, timeoutSeconds: 60 });
	});
});
