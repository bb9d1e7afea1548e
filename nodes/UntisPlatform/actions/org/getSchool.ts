import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Org / School: A school by its sourcedId (/schools/{id}). */
export const getSchool = oneRosterOperation('org', 'getSchool', {
	name: 'Get School',
	description: 'A school by its sourcedId (/schools/{id})',
	action: 'Get a school',
});
