import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Teacher: The teachers of a school (/schools/{id}/teachers). */
export const getManyOfSchool = oneRosterOperation('teacher', 'getManyOfSchool', {
	name: 'Get Many of a School',
	description: 'The teachers of a school (/schools/{id}/teachers)',
	action: 'Get many teachers of a school',
});
