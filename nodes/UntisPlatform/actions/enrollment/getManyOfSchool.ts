import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Enrollment: The enrollments of a school (/schools/{id}/enrollments). */
export const getManyOfSchool = oneRosterOperation('enrollment', 'getManyOfSchool', {
	name: 'Get Many of a School',
	description: 'The enrollments of a school (/schools/{id}/enrollments)',
	action: 'Get many enrollments of a school',
});
