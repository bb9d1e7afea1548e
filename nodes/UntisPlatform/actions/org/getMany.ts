import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Org / School: Every org (/orgs). */
export const getMany = oneRosterOperation('org', 'getMany', {
	name: 'Get Many',
	description: 'Every org (/orgs)',
	action: 'Get many orgs',
});
