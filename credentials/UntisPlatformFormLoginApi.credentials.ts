import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The login of the package's manual-entry form (HTTP Basic, as n8n's own forms use): whoever
 * holds it can submit a school's credentials. The Test button checks its strength locally.
 */
export class UntisPlatformFormLoginApi implements ICredentialType {
	name = 'untisPlatformFormLoginApi';

	displayName = 'Untis Platform Form Login API';

	icon: Icon = {
		light: 'file:../nodes/UntisPlatform/untisPlatform.svg',
		dark: 'file:../nodes/UntisPlatform/untisPlatform.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-untis-platform/n8n-nodes-untis-platform#example-workflows';

	properties: INodeProperties[] = [
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description: 'The user name the browser asks for when the form is opened',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"At least 16 characters: a shorter one (or an empty User) keeps the form closed. Share it only with the people who may enter a school's credentials.",
		},
	];
}
