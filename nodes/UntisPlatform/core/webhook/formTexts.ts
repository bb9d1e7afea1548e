import type { EntryProblem } from './manualEntry';
import type { FormLanguage } from './formLanguage';

/**
 * Everything the manual-entry form says, in German and English, for a school administrator.
 *
 * The labels: Untis has not published what its screens call each value when it shows them to a
 * school administrator (the seeds and developer.untis.com name only the JSON fields tenantId,
 * clientId, secret, password, host). So each label keeps the plain name of its field, the one
 * the administrator most likely sees next to the value, and a hint says in everyday words what
 * it is. Change a label here once the platform's wording is known.
 */
export interface FieldText {
	label: string;
	hint: string;
}

export interface FormTexts {
	defaultTitle: string;
	defaultDescription: string;
	fields: Record<'tenantId' | 'clientId' | 'secret' | 'password' | 'host' | 'activatorEmail' | 'language', FieldText>;
	optional: string;
	languageNone: string;
	submitChecked: string;
	submitUnchecked: string;
	/** Next to a secret field after a refused submission: it is never sent back. */
	typeAgain: string;
	summary: (count: number) => string;
	problem: (problem: EntryProblem, label: string) => string;
	platformRefused: (tenantId: string, status: number) => string;
	platformNotAsked: (detail: string) => string;
	noApiBase: (detail: string) => string;
	submission: Record<'empty' | 'tooLarge' | 'notForm' | 'repeated' | 'unreadable', (detail: { bytes?: number; limit?: number; label?: string; times?: number }) => string>;
	refusedTitle: string;
	crossSite: string;
	tokenMissing: string;
	tokenStale: string;
	openAgain: string;
	signInTitle: string;
	signIn: string;
	throttledTitle: string;
	throttled: (seconds: number) => string;
	noLogin: string;
	brokenCredential: (detail: string) => string;
	storedTitle: string;
	stored: (options: { tenant: string; checked: boolean; sealed: boolean }) => string;
}

const en: FormTexts = {
	defaultTitle: 'Untis Platform credentials',
	defaultDescription: 'Copy the values the Untis Platform shows for your school.',
	fields: {
		tenantId: { label: 'Tenant ID', hint: "Your school's number on the Untis Platform (the platform calls a school a tenant), e.g. 12345" },
		clientId: { label: 'Client ID', hint: "The name of this application's access for your school, e.g. BestApp-tenant-12345" },
		secret: { label: 'Secret', hint: 'The first of the two secret values the platform shows for this application' },
		password: { label: 'Password', hint: 'The second secret value: the password, not the secret' },
		host: { label: 'Host', hint: "Your school's WebUntis address, e.g. school.webuntis.com" },
		activatorEmail: { label: 'Your email address', hint: 'The administrator who activated the application' },
		language: { label: 'Language of the school', hint: 'For the messages your school receives' },
	},
	optional: '(optional)',
	languageNone: '(not given)',
	submitChecked: 'Check and store',
	submitUnchecked: 'Store',
	typeAgain: 'Type it again: for your safety it is never sent back',
	summary: (count) => (count === 1 ? 'Please fix the problem marked below. Nothing was stored.' : `Please fix the ${count} problems marked below. Nothing was stored.`),
	problem: (problem, label) => {
		switch (problem.kind) {
			case 'missing': return `${label} is missing: copy it from the Untis Platform.`;
			case 'notText': return `${label} could not be read: type it again.`;
			case 'tooLong': return `${label} is ${problem.length} characters long; at most ${problem.limit} fit: copy the value alone.`;
			case 'quoted': return `${label} is in quotes: paste the value without them.`;
			case 'spaces': return `${label} contains spaces or line breaks: copy the value alone.`;
			case 'label': return `${label} holds the word '${problem.label}', not the value: copy the value next to it.`;
			case 'dotSegment': return `${label} is '${problem.given}', which is not a tenant ID: copy the number the platform shows.`;
			case 'sameAsSecret': return 'The password is the same as the secret: the platform shows two different values; copy each into its field.';
			case 'host': return `${label} must be an address such as school.webuntis.com, without a path.`;
			case 'email': return 'This is not an email address.';
			case 'language': return `'${problem.given.slice(0, 40)}' is not a language this form knows: choose Deutsch (de) or English (en).`;
		}
	},
	platformRefused: (tenantId, status) =>
		`The Untis Platform refused tenant '${tenantId}' with this client ID and password (HTTP ${status}): check that you copied the password (not the secret), the client ID and the tenant ID. Nothing was stored.`,
	platformNotAsked: (detail) => `The Untis Platform could not check the entry, so nothing was stored. Try again in a few minutes; if it keeps failing, tell the n8n owner: ${detail}`,
	noApiBase: (detail) => `The form cannot check entries with the Untis Platform, so nothing was stored: ask the n8n owner to fix the Untis Platform credential (${detail}).`,
	submission: {
		empty: () => 'The form arrived empty: fill in the fields and send it again.',
		tooLarge: ({ bytes, limit }) => `The submission is ${bytes} bytes; at most ${limit} are accepted: copy each value alone.`,
		notForm: () => 'This is not a form submission: send the form from its page.',
		repeated: ({ label, times }) => `${label} was sent ${times} times: send the form from its page.`,
		unreadable: () => 'The submission could not be read: send the form again.',
	},
	refusedTitle: 'Refused',
	crossSite: 'This submission was started by another site, so it was refused: open the form at its own address and send it from there.',
	tokenMissing: 'The submission did not come from this form: open the form and send it from there.',
	tokenStale: 'The form was open for too long: open it again and fill it in.',
	openAgain: 'Open the form again',
	signInTitle: 'Sign in',
	signIn: 'Sign in with the login of this form.',
	throttledTitle: 'Too many failed logins',
	throttled: (seconds) => `Too many failed logins came from your address: try again in ${seconds} seconds.`,
	noLogin:
		'The form has no login set up: ask the n8n owner to select an Untis Platform Form Login credential with a User and a Password of at least 16 characters.',
	brokenCredential: (detail) => `The form cannot be used: ${detail}. Ask the n8n owner to fix the Untis Platform credential.`,
	storedTitle: 'Stored',
	stored: ({ tenant, checked, sealed }) =>
		(checked
			? `The Untis Platform accepted the credentials of tenant ${tenant} just now, and they are stored.`
			: `The credentials of tenant ${tenant} are stored as typed. They were not checked with the Untis Platform (this form has the check turned off), so a typing mistake shows only when they are used.`) +
		(sealed ? ' The secret and the password are stored encrypted.' : ''),
};

const de: FormTexts = {
	defaultTitle: 'Zugangsdaten für die Untis Platform',
	defaultDescription: 'Kopieren Sie die Werte, die die Untis Platform für Ihre Schule anzeigt.',
	fields: {
		tenantId: { label: 'Tenant-ID', hint: 'Die Nummer Ihrer Schule auf der Untis Platform (die Plattform nennt eine Schule Tenant), z. B. 12345' },
		clientId: { label: 'Client-ID', hint: 'Der Name des Zugangs dieser Anwendung für Ihre Schule, z. B. BestApp-tenant-12345' },
		secret: { label: 'Secret', hint: 'Der erste der beiden geheimen Werte, die die Plattform für diese Anwendung anzeigt' },
		password: { label: 'Passwort', hint: 'Der zweite geheime Wert: das Passwort, nicht das Secret' },
		host: { label: 'Host', hint: 'Die WebUntis-Adresse Ihrer Schule, z. B. schule.webuntis.com' },
		activatorEmail: { label: 'Ihre E-Mail-Adresse', hint: 'Die Person, die die Anwendung aktiviert hat' },
		language: { label: 'Sprache der Schule', hint: 'Für die Nachrichten, die Ihre Schule erhält' },
	},
	optional: '(optional)',
	languageNone: '(keine Angabe)',
	submitChecked: 'Prüfen und speichern',
	submitUnchecked: 'Speichern',
	typeAgain: 'Bitte erneut eingeben: zu Ihrer Sicherheit wird der Wert nie zurückgeschickt',
	summary: (count) =>
		count === 1
			? 'Bitte korrigieren Sie die unten markierte Angabe. Es wurde nichts gespeichert.'
			: `Bitte korrigieren Sie die ${count} unten markierten Angaben. Es wurde nichts gespeichert.`,
	problem: (problem, label) => {
		switch (problem.kind) {
			case 'missing': return `${label} fehlt: bitte von der Untis Platform kopieren.`;
			case 'notText': return `${label} konnte nicht gelesen werden: bitte erneut eingeben.`;
			case 'tooLong': return `${label} ist ${problem.length} Zeichen lang; höchstens ${problem.limit} sind möglich: bitte nur den Wert kopieren.`;
			case 'quoted': return `${label} steht in Anführungszeichen: bitte den Wert ohne sie einfügen.`;
			case 'spaces': return `${label} enthält Leerzeichen oder Zeilenumbrüche: bitte nur den Wert kopieren.`;
			case 'label': return `${label} enthält das Wort „${problem.label}“, nicht den Wert: bitte den Wert daneben kopieren.`;
			case 'dotSegment': return `${label} ist „${problem.given}“, das ist keine Tenant-ID: bitte die Nummer kopieren, die die Plattform anzeigt.`;
			case 'sameAsSecret': return 'Passwort und Secret sind gleich: die Plattform zeigt zwei verschiedene Werte; bitte jeden in sein Feld kopieren.';
			case 'host': return `${label} muss eine Adresse wie schule.webuntis.com sein, ohne Pfad.`;
			case 'email': return 'Das ist keine E-Mail-Adresse.';
			case 'language': return `„${problem.given.slice(0, 40)}“ ist keine Sprache, die dieses Formular kennt: bitte Deutsch (de) oder English (en) wählen.`;
		}
	},
	platformRefused: (tenantId, status) =>
		`Die Untis Platform hat Tenant „${tenantId}“ mit dieser Client-ID und diesem Passwort abgelehnt (HTTP ${status}): bitte prüfen, ob Sie das Passwort (nicht das Secret), die Client-ID und die Tenant-ID kopiert haben. Es wurde nichts gespeichert.`,
	platformNotAsked: (detail) =>
		`Die Untis Platform konnte die Angaben nicht prüfen, daher wurde nichts gespeichert. Bitte versuchen Sie es in einigen Minuten erneut; klappt es weiterhin nicht, geben Sie dem n8n-Betreiber diese Meldung weiter: ${detail}`,
	noApiBase: (detail) =>
		`Das Formular kann Angaben nicht bei der Untis Platform prüfen, daher wurde nichts gespeichert: bitte den n8n-Betreiber bitten, die Untis-Platform-Zugangsdaten in n8n zu korrigieren (${detail}).`,
	submission: {
		empty: () => 'Das Formular kam leer an: bitte die Felder ausfüllen und erneut senden.',
		tooLarge: ({ bytes, limit }) => `Die Übermittlung hat ${bytes} Bytes; höchstens ${limit} sind möglich: bitte jeden Wert einzeln kopieren.`,
		notForm: () => 'Das ist keine Formular-Übermittlung: bitte das Formular auf seiner Seite absenden.',
		repeated: ({ label, times }) => `${label} wurde ${times}-mal gesendet: bitte das Formular auf seiner Seite absenden.`,
		unreadable: () => 'Die Übermittlung konnte nicht gelesen werden: bitte das Formular erneut senden.',
	},
	refusedTitle: 'Abgelehnt',
	crossSite: 'Diese Übermittlung wurde von einer anderen Website gestartet und daher abgelehnt: bitte das Formular unter seiner eigenen Adresse öffnen und dort absenden.',
	tokenMissing: 'Die Übermittlung kam nicht von diesem Formular: bitte das Formular öffnen und dort absenden.',
	tokenStale: 'Das Formular war zu lange geöffnet: bitte erneut öffnen und ausfüllen.',
	openAgain: 'Formular erneut öffnen',
	signInTitle: 'Anmelden',
	signIn: 'Bitte mit den Anmeldedaten dieses Formulars anmelden.',
	throttledTitle: 'Zu viele fehlgeschlagene Anmeldungen',
	throttled: (seconds) => `Von Ihrer Adresse kamen zu viele fehlgeschlagene Anmeldungen: bitte in ${seconds} Sekunden erneut versuchen.`,
	noLogin:
		'Für das Formular ist keine Anmeldung eingerichtet: bitte den n8n-Betreiber bitten, Zugangsdaten vom Typ Untis Platform Form Login mit einem Benutzer und einem Passwort von mindestens 16 Zeichen auszuwählen.',
	brokenCredential: (detail) => `Das Formular kann nicht verwendet werden: ${detail}. Bitte den n8n-Betreiber bitten, die Untis-Platform-Zugangsdaten in n8n zu korrigieren.`,
	storedTitle: 'Gespeichert',
	stored: ({ tenant, checked, sealed }) =>
		(checked
			? `Die Untis Platform hat die Zugangsdaten von Tenant ${tenant} eben akzeptiert, und sie sind gespeichert.`
			: `Die Zugangsdaten von Tenant ${tenant} sind so gespeichert, wie sie eingegeben wurden. Sie wurden nicht bei der Untis Platform geprüft (in diesem Formular ist die Prüfung ausgeschaltet), ein Tippfehler fällt also erst bei der Verwendung auf.`) +
		(sealed ? ' Secret und Passwort sind verschlüsselt gespeichert.' : ''),
};

export const FORM_TEXTS: Record<FormLanguage, FormTexts> = { de, en };
