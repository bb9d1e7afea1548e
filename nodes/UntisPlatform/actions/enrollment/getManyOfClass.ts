import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Enrollment: The enrollments of a class in a school (/schools/{id}/classes/{id}/enrollments). */
export const getManyOfClass = oneRosterOperation('enrollment', 'getManyOfClass', {
	name: 'Get Many of a Class',
	description: 'The enrollments of a class in a school (/schools/{id}/classes/{id}/enrollments)',
	action: 'Get many enrollments of a class',
});
