import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Org / School: Every school (/schools: the same data as /orgs). */
export const getManySchools = oneRosterOperation('org', 'getManySchools', {
	name: 'Get Many Schools',
	description: 'Every school (/schools: the same data as /orgs)',
	action: 'Get many schools',
});
