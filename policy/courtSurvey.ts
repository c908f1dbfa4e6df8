// The Goal 3 court-user survey as adopted in clayton-2026.5: its timing, its
// agree scale and its questions, in English with their Spanish. The shape
// follows the National Center for State Courts' CourTools Measure 1 (Access
// and Fairness: statements rated from strongly disagree to strongly agree),
// with the engagement report's questions about the police department added;
// the wording is the City's own.
import type { PolicyInput, PolicyTranslation } from '../domain/policy/schema';

export const COURT_SURVEY = {
  // A few days after the case closes, so the invitation does not arrive with the court's own letters.
  inviteAfter: '2d',
  remindAfter: '5d',
  expiresAfter: '21d',
  scale: ['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree'],
  notApplicable: 'Does not apply to me',
  questions: [
    { key: 'FOUND_COURTHOUSE', section: 'ACCESS', text: 'Finding the courthouse and the courtroom was easy.' },
    { key: 'FELT_SAFE', section: 'ACCESS', text: 'I felt safe in the courthouse.' },
    { key: 'REASONABLE_EFFORT', section: 'ACCESS', text: 'The court made a reasonable effort to remove barriers to service (language, disability, cost).' },
    { key: 'STAFF_COURTEOUS', section: 'ACCESS', text: 'Court staff were courteous and respectful.' },
    { key: 'FORMS_CLEAR', section: 'ACCESS', text: 'The forms I needed were clear and easy to understand.' },
    { key: 'BUSINESS_IN_REASONABLE_TIME', section: 'ACCESS', text: 'I was able to get my court business done in a reasonable amount of time.' },
    { key: 'TREATED_SAME', section: 'FAIRNESS', text: 'I was treated the same as everyone else.' },
    { key: 'JUDGE_LISTENED', section: 'FAIRNESS', text: 'The judge listened to my side of the story before deciding.' },
    { key: 'JUDGE_HAD_INFORMATION', section: 'FAIRNESS', text: 'The judge had the information needed to make good decisions about my case.' },
    { key: 'KNOW_WHAT_NEXT', section: 'FAIRNESS', text: 'As I leave the court, I know what to do next about my case.' },
    { key: 'HANDLED_FAIRLY', section: 'FAIRNESS', text: 'The way my case was handled was fair.' },
    { key: 'POLICE_RESPECT', section: 'POLICE', text: 'The Clayton police officers I dealt with treated me with respect.' },
    { key: 'POLICE_EXPLAINED', section: 'POLICE', text: 'The police officers explained what they were doing and why.' },
    { key: 'POLICE_TRUST', section: 'POLICE', text: 'I trust the Clayton Police Department to treat people fairly.' },
  ],
  minimumResponses: 5,
} satisfies NonNullable<PolicyInput['courtSurvey']>;

export const SPANISH_COURT_SURVEY = {
  scale: ['Muy en desacuerdo', 'En desacuerdo', 'Ni de acuerdo ni en desacuerdo', 'De acuerdo', 'Muy de acuerdo'],
  notApplicable: 'No se aplica a mi caso',
  questions: {
    FOUND_COURTHOUSE: 'Encontrar el tribunal y la sala fue fácil.',
    FELT_SAFE: 'Me sentí seguro/a en el tribunal.',
    REASONABLE_EFFORT: 'El tribunal hizo un esfuerzo razonable por quitar obstáculos al servicio (idioma, discapacidad, costo).',
    STAFF_COURTEOUS: 'El personal del tribunal fue cortés y respetuoso.',
    FORMS_CLEAR: 'Los formularios que necesité eran claros y fáciles de entender.',
    BUSINESS_IN_REASONABLE_TIME: 'Pude hacer mis trámites en el tribunal en un tiempo razonable.',
    TREATED_SAME: 'Me trataron igual que a todos los demás.',
    JUDGE_LISTENED: 'El juez escuchó mi versión de los hechos antes de decidir.',
    JUDGE_HAD_INFORMATION: 'El juez tenía la información necesaria para tomar buenas decisiones sobre mi caso.',
    KNOW_WHAT_NEXT: 'Al salir del tribunal, sé qué debo hacer ahora con mi caso.',
    HANDLED_FAIRLY: 'La forma en que se manejó mi caso fue justa.',
    POLICE_RESPECT: 'Los policías de Clayton con los que traté me trataron con respeto.',
    POLICE_EXPLAINED: 'Los policías explicaron lo que hacían y por qué.',
    POLICE_TRUST: 'Confío en que el Departamento de Policía de Clayton trata a las personas con justicia.',
  },
} satisfies NonNullable<PolicyTranslation['courtSurvey']>;
