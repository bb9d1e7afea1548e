import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Enrollment: Every enrollment of the current school year (/enrollments). */
export const getMany = oneRosterOperation('enrollment', 'getMany', {
	name: 'Get Many',
	description: 'Every enrollment of the current school year (/enrollments)',
	action: 'Get many enrollments',
});
