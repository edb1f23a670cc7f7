import { nextPageToken, paginate } from '../../nodes/DigiCertCodeSigning/transport/pagination';

function source(total: number) {
	const calls: Array<[number, number]> = [];
	const all = Array.from({ length: total }, (_, i) => i);
	return {
		calls,
		fetch: async (offset: number, limit: number) => {
			calls.push([offset, limit]);
			return { items: all.slice(offset, offset + limit), total };
		},
	};
}

describe('paginate', () => {
	it('follows page.total to the end', async () => {
		const s = source(2500);
		const items = await paginate(s.fetch, { pageSize: 1000 });
		expect(items).toHaveLength(2500);
		expect(items[2499]).toBe(2499);
		expect(s.calls).toEqual([
			[0, 1000],
			[1000, 1000],
			[2000, 1000],
		]);
	});
	it('stops at max, asking only for what it needs', async () => {
		const s = source(2500);
		expect(await paginate(s.fetch, { pageSize: 100, max: 150 })).toEqual(Array.from({ length: 150 }, (_, i) => i));
		expect(s.calls).toEqual([
			[0, 100],
			[100, 50],
		]);
	});
	it('exact multiple of the page size: no extra request', async () => {
		const s = source(200);
		await paginate(s.fetch, { pageSize: 100 });
		expect(s.calls).toHaveLength(2);
	});
	it('empty list and a list that shrinks while paging both end', async () => {
		expect(await paginate(source(0).fetch, { pageSize: 100 })).toEqual([]);
		let n = 0;
		const shrinking = async () => ({ items: n++ === 0 ? [1, 2] : [], total: 10 });
		expect(await paginate(shrinking, { pageSize: 2 })).toEqual([1, 2]);
	});
	it('without a total, a short page is the last one', async () => {
		const all = [1, 2, 3, 4, 5];
		const items = await paginate(async (o, l) => ({ items: all.slice(o, o + l) }), { pageSize: 2 });
		expect(items).toEqual(all);
	});
});

describe('nextPageToken (dropdown pages)', () => {
	test('the next offset while page.total is not reached; none after the last, an empty or a short page', () => {
		expect(nextPageToken(0, 100, 100, 250)).toBe('100');
		expect(nextPageToken(200, 50, 100, 250)).toBeUndefined();
		expect(nextPageToken(100, 0, 100, 250)).toBeUndefined();
		expect(nextPageToken(0, 100, 100)).toBe('100');
		expect(nextPageToken(100, 40, 100)).toBeUndefined();
	});
});
