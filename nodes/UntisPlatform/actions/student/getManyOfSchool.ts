import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Student: The students of a school (/schools/{id}/students). */
export const getManyOfSchool = oneRosterOperation('student', 'getManyOfSchool', {
	name: 'Get Many of a School',
	description: 'The students of a school (/schools/{id}/students)',
	action: 'Get many students of a school',
});
