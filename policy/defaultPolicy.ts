// The City of Clayton's Critical Incident Communications Plan: data,
// validated when this module loads. clayton-2026.1 is the plan as first
// adopted and stays exactly as it was (running incidents pinned it);
// clayton-2026.2 puts the approval chain in the city's terms; clayton-2026.3
// adds counsel's holds, withdrawal of published statements and phone calls at
// severity 1; clayton-2026.4, the default for new incidents, tells all four
// parties of the plan (the Mayor and the Board of Aldermen at every severity,
// officials when a statement is published) and carries the plan's words in
// Spanish. A city changes the plan
// with POLICY_FILE (see policy/README.md), never by editing a version that
// incidents have pinned.
import { parsePolicy, type Policy, type PolicyInput } from '../domain/policy/schema';
import { COURT_SURVEY, SPANISH_COURT_SURVEY } from './courtSurvey';
import type { Role } from '../domain/roles';


const SEV1_RECIPIENTS: Role[] = ['MAYOR', 'ALDERMAN', 'CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'CITY_ATTORNEY'];

const policyData = {
  version: 'clayton-2026.1',
  name: 'City of Clayton Critical Incident Communications Plan',
  timeZone: 'America/Chicago',
  definition: {
    summary:
      'A critical incident is an event involving the Clayton Police Department that seriously affects, ' +
      'or may seriously affect, public trust, and therefore needs a coordinated public response from the ' +
      'City, the Police Department, the Mayor and the Board of Aldermen.',
    types: [
      {
        key: 'OFFICER_INVOLVED_SHOOTING',
        label: 'Officer-involved shooting',
        criteria: 'A Clayton police officer discharged a firearm at a person, whether or not anyone was hit.',
        defaultSeverity: 1,
      },
      {
        key: 'USE_OF_FORCE_SERIOUS_INJURY',
        label: 'Use of force with serious injury',
        criteria:
          'Force used by a Clayton police officer caused an injury that needed hospital treatment or ' +
          'carries a substantial risk of death, disfigurement or lasting harm.',
        defaultSeverity: 1,
      },
      {
        key: 'DEATH_IN_CUSTODY',
        label: 'Death in custody',
        criteria:
          'A person died while detained, arrested or held by the Clayton Police Department, or shortly ' +
          'after contact with its officers.',
        defaultSeverity: 1,
      },
      {
        key: 'PUBLIC_MEDIA_ATTENTION',
        label: 'Significant public or media attention',
        criteria:
          'A police matter is drawing significant public or media attention (for example widely shared ' +
          'video, protests, or regional or national press) even if nobody was seriously hurt.',
        defaultSeverity: 2,
      },
      {
        key: 'OTHER',
        label: 'Other, as the City Manager judges',
        criteria: 'Any other event the City Manager judges to need the critical incident procedure.',
        defaultSeverity: 3,
      },
    ],
  },
  severities: [
    {
      level: 1,
      label: 'Severity 1: most serious',
      description: 'Loss of life, life-threatening injury or a shooting; the whole Board is informed at once.',
      recipients: SEV1_RECIPIENTS,
    },
    {
      level: 2,
      label: 'Severity 2: serious',
      description: 'Serious harm or strong public attention; the Mayor, the City Manager and the department heads are informed.',
      recipients: ['MAYOR', 'CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'CITY_ATTORNEY'],
    },
    {
      level: 3,
      label: 'Severity 3: significant',
      description: 'A matter needing a coordinated response but with limited harm; the operational team is informed.',
      recipients: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO'],
    },
  ],
  acknowledgement: {
    backupAfter: '15m',
    reportSilentAfter: '30m',
    reportSilentTo: ['CITY_MANAGER'],
  },
  // Reminder choice: short windows (hours) get reminders at half and 90% of
  // the window, so a 1-hour holding statement is nudged at 30 and 54 minutes;
  // long windows (days) get fixed notice a few days and one day ahead, which
  // is when people can still act. Overdue: the PIO at once, then the City
  // Manager, then the Mayor, with gaps that fit the window.
  deadlines: [
    {
      key: 'holding_statement',
      kind: 'HOLDING_STATEMENT',
      title: 'Holding statement',
      statementKind: 'HOLDING_STATEMENT',
      anchor: 'DECLARED',
      dueAfter: { '1': '1h', '2': '4h', '3': '24h' },
      remind: ['PIO'],
      reminders: [{ fraction: 0.5 }, { fraction: 0.9 }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '30m', notify: ['CITY_MANAGER'] },
        { after: '2h', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'press_conference',
      kind: 'PRESS_CONFERENCE',
      title: 'Press conference',
      statementKind: 'PRESS_CONFERENCE',
      anchor: 'DECLARED',
      dueAfter: { '1': '24h' },
      remind: ['PIO', 'POLICE_CHIEF'],
      reminders: [{ fraction: 0.5 }, { fraction: 0.9 }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '2h', notify: ['CITY_MANAGER'] },
        { after: '12h', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'public_update',
      kind: 'PUBLIC_UPDATE',
      title: 'Public update',
      statementKind: 'PUBLIC_UPDATE',
      anchor: 'DECLARED',
      dueAfter: { '1': '7d', '2': '7d', '3': '7d' },
      repeatEvery: '7d',
      remind: ['PIO'],
      reminders: [{ before: '2d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '1d', notify: ['CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'preliminary_report',
      kind: 'PRELIMINARY_REPORT',
      title: 'Preliminary findings',
      statementKind: 'PRELIMINARY_REPORT',
      anchor: 'DECLARED',
      dueAfter: { '1': '30d', '2': '30d', '3': '30d' },
      remind: ['PIO', 'POLICE_CHIEF'],
      reminders: [{ before: '7d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '1d', notify: ['CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'final_report',
      kind: 'FINAL_REPORT',
      title: 'Final investigation report',
      statementKind: 'FINAL_REPORT',
      anchor: 'DECLARED',
      dueAfter: { '1': '90d', '2': '90d', '3': '90d' },
      remind: ['PIO', 'POLICE_CHIEF'],
      reminders: [{ before: '14d' }, { before: '3d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '1d', notify: ['CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'after_action_review',
      kind: 'AFTER_ACTION_REVIEW',
      title: 'After-action review',
      statementKind: 'AFTER_ACTION_REVIEW',
      anchor: 'CLOSED',
      dueAfter: { '1': '14d', '2': '14d', '3': '14d' },
      remind: ['CITY_MANAGER', 'PIO'],
      reminders: [{ before: '3d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO', 'CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
  ],
  statementKinds: [
    {
      key: 'HOLDING_STATEMENT',
      label: 'Holding statement',
      template: {
        title: 'Statement on {{incidentTitle}}',
        body:
          'On {{declaredDate}} the City of Clayton became aware of {{incidentSummary}}.\n\n' +
          'We know people in our community have questions. Here is what we can confirm now: [facts confirmed].\n\n' +
          'The incident is under investigation by [investigating agency]. We will share more as soon as we can ' +
          'do so without harming the investigation, and no later than {{nextUpdateDate}}.\n\n' +
          'Reference: {{incidentNumber}}. Media contact: the City of Clayton Public Information Officer.',
      },
    },
    {
      key: 'PRESS_CONFERENCE',
      label: 'Press conference notice',
      template: {
        title: 'Press conference: {{incidentTitle}}',
        body:
          'The City of Clayton will hold a press conference about {{incidentTitle}} on [date] at [time] at ' +
          '[place]. Speakers: [names and titles]. The press conference will also be streamed at [link].\n\n' +
          'Reference: {{incidentNumber}}.',
      },
    },
    {
      key: 'PUBLIC_UPDATE',
      label: 'Public update',
      template: {
        title: 'Update on {{incidentTitle}}',
        body:
          'This is an update on {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'Since our last update: [what has happened].\n\nWhat happens next: [next steps].\n\n' +
          'We will update the public again no later than {{nextUpdateDate}}.',
      },
    },
    {
      key: 'PRELIMINARY_REPORT',
      label: 'Preliminary findings',
      template: {
        title: 'Preliminary findings: {{incidentTitle}}',
        body:
          'These are the preliminary findings of the investigation into {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'Findings so far: [findings].\n\nWhat is still being investigated: [open questions].\n\n' +
          'The final report is due by {{finalReportDate}}.',
      },
    },
    {
      key: 'FINAL_REPORT',
      label: 'Final investigation report',
      template: {
        title: 'Final report: {{incidentTitle}}',
        body:
          'The investigation into {{incidentTitle}} ({{incidentNumber}}) is complete.\n\n' +
          'Findings: [findings].\n\nActions the City will take: [actions, owners and dates].',
      },
    },
    {
      key: 'AFTER_ACTION_REVIEW',
      label: 'After-action review',
      template: {
        title: 'After-action review: {{incidentTitle}}',
        body:
          'The City has reviewed how it communicated with the public about {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'What went well: [items].\n\nWhat we will change: [items].\n\nThe full timeline is published with this review.',
      },
    },
  ],
  approval: {
    drafter: 'PIO',
    chain: ['CITY_MANAGER', 'POLICE_CHIEF'],
    reminderAfter: '30m',
    escalationAfter: '60m',
    escalateTo: [{ awaiting: 'CITY_MANAGER', notify: ['MAYOR'] }],
    escalateToOtherwise: ['CITY_MANAGER'],
  },
  extension: { allowedRoles: ['CITY_MANAGER', 'POLICE_CHIEF'] },
  access: {
    declare: ['CITY_MANAGER', 'POLICE_CHIEF'],
    close: ['CITY_MANAGER'],
    acknowledgeForOthers: ['CITY_MANAGER'],
    readDeliveryLog: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO'],
    readIncidents: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY'],
    managePlans: ['CITY_MANAGER'],
    readPlans: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY', 'STAKEHOLDER_LEAD'],
    // Besides the drafter and the approval chain, who reads drafts and approvers' comments.
    readDrafts: ['CITY_MANAGER'],
  },
  links: { ack: '72h', review: '72h', progress: '14d' },
  actionPlan: {
    timeZone: 'America/Chicago',
    reminderTime: '09:00',
    reminders: [{ before: '14d' }, { before: '3d' }, { before: '1d' }],
    overdueLadder: [
      { after: '0d', notify: 'OWNER' },
      { after: '3d', notify: 'SPONSOR' },
      { after: '7d', notify: 'CITY_MANAGER' },
      { after: '14d', notify: 'BOARD_DIGEST' },
    ],
    boardRoles: ['MAYOR', 'ALDERMAN'],
    dashboard: { rule: 'FIRST_BUSINESS_DAY', time: '09:00' },
  },
} satisfies PolicyInput;

/** The plan as first adopted: version 'clayton-2026.1'. Frozen once registered (policy/registry.ts). */
export const POLICY_2026_1: Policy = parsePolicy(policyData, 'policy clayton-2026.1');

/** Roles the city named to draft statements: the police department and the communications staff. */
const STATEMENT_DRAFTERS: Role[] = ['POLICE_CHIEF', 'DEPUTY_CHIEF', 'COMMUNICATIONS_OFFICER', 'DEPUTY_PIO', 'PIO'];
const STAFF: Role[] = ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY', 'DEPUTY_CHIEF', 'COMMUNICATIONS_OFFICER', 'DEPUTY_PIO'];

/**
 * clayton-2026.2: what changed from clayton-2026.1 is who drafts and who
 * approves. The police department or the communications staff draft; the PIO
 * approves; at severity 1 the City Manager signs off after the PIO. When the
 * PIO drafts, the deputy PIO (or, below severity 1, the City Manager) approves
 * in the PIO's place. The new roles read incidents and plans like other staff.
 */
const policy2026_2 = {
  ...policyData,
  version: 'clayton-2026.2',
  approval: {
    drafters: STATEMENT_DRAFTERS,
    chain: ['PIO'],
    chainRules: [{ severities: [1], chain: ['PIO', 'CITY_MANAGER'] }],
    standIns: [{ for: 'PIO', roles: ['DEPUTY_PIO', 'CITY_MANAGER'] }],
    reminderAfter: '30m',
    escalationAfter: '60m',
    escalateTo: [
      { awaiting: 'PIO', notify: ['CITY_MANAGER'] },
      { awaiting: 'CITY_MANAGER', notify: ['MAYOR'] },
    ],
    escalateToOtherwise: ['CITY_MANAGER'],
  },
  access: {
    ...policyData.access,
    readIncidents: STAFF,
    readPlans: [...STAFF, 'STAKEHOLDER_LEAD'],
  },
} satisfies PolicyInput;

/** The approval chain in the city's terms: version 'clayton-2026.2'. Frozen once registered (policy/registry.ts). */
export const POLICY_2026_2: Policy = parsePolicy(policy2026_2, 'policy clayton-2026.2');

/** The plan's words in Spanish (clayton-2026.4 on): what residents and Spanish-speaking staff read. */
const SPANISH = {
  name: 'Plan de Comunicaciones sobre Incidentes Críticos de la Ciudad de Clayton',
  definition: {
    summary:
      'Un incidente crítico es un hecho en el que interviene el Departamento de Policía de Clayton y que afecta, o puede ' +
      'afectar, seriamente la confianza del público, por lo que requiere una respuesta pública coordinada de la Ciudad, ' +
      'el Departamento de Policía, el Alcalde y la Junta de Concejales.',
    types: {
      OFFICER_INVOLVED_SHOOTING: {
        label: 'Disparo de un agente de policía',
        criteria: 'Un agente de la Policía de Clayton disparó un arma de fuego contra una persona, haya herido o no a alguien.',
      },
      USE_OF_FORCE_SERIOUS_INJURY: {
        label: 'Uso de la fuerza con lesiones graves',
        criteria:
          'La fuerza empleada por un agente de la Policía de Clayton causó una lesión que requirió atención hospitalaria o ' +
          'que conlleva un riesgo considerable de muerte, desfiguración o daño permanente.',
      },
      DEATH_IN_CUSTODY: {
        label: 'Muerte bajo custodia',
        criteria:
          'Una persona murió mientras estaba detenida, arrestada o bajo custodia del Departamento de Policía de Clayton, o ' +
          'poco después de tener contacto con sus agentes.',
      },
      PUBLIC_MEDIA_ATTENTION: {
        label: 'Atención pública o mediática considerable',
        criteria:
          'Un asunto policial está atrayendo una atención pública o mediática considerable (por ejemplo, un video muy ' +
          'difundido, protestas o cobertura de la prensa regional o nacional), aunque nadie haya resultado gravemente herido.',
      },
      OTHER: {
        label: 'Otro, a juicio del Administrador de la Ciudad',
        criteria: 'Cualquier otro hecho que, a juicio del Administrador de la Ciudad, requiera el procedimiento para incidentes críticos.',
      },
    },
  },
  severities: {
    '1': {
      label: 'Gravedad 1: la más grave',
      description: 'Pérdida de vidas, lesiones que ponen en riesgo la vida o un disparo; se informa de inmediato a toda la Junta.',
    },
    '2': {
      label: 'Gravedad 2: grave',
      description:
        'Daño grave o mucha atención pública; se informa al Alcalde, a la Junta de Concejales, al Administrador de la Ciudad ' +
        'y a los jefes de departamento por correo electrónico y mensaje de texto.',
    },
    '3': {
      label: 'Gravedad 3: significativo',
      description:
        'Un asunto que requiere una respuesta coordinada pero con daño limitado; se informa al equipo operativo por correo ' +
        'electrónico y mensaje de texto, y al Alcalde y a la Junta de Concejales por correo electrónico.',
    },
  },
  deadlines: {
    holding_statement: { title: 'Comunicado inicial' },
    press_conference: { title: 'Conferencia de prensa' },
    public_update: { title: 'Actualización pública' },
    preliminary_report: { title: 'Conclusiones preliminares' },
    final_report: { title: 'Informe final de la investigación' },
    after_action_review: { title: 'Revisión posterior al incidente' },
  },
  statementKinds: {
    HOLDING_STATEMENT: {
      label: 'Comunicado inicial',
      template: {
        title: 'Comunicado sobre {{incidentTitle}}',
        body:
          'El {{declaredDate}}, la Ciudad de Clayton tuvo conocimiento de {{incidentSummary}}.\n\n' +
          'Sabemos que muchas personas de nuestra comunidad tienen preguntas. Esto es lo que podemos confirmar por ahora: [hechos confirmados].\n\n' +
          'El incidente está siendo investigado por [organismo investigador]. Compartiremos más información en cuanto podamos ' +
          'hacerlo sin perjudicar la investigación, y a más tardar el {{nextUpdateDate}}.\n\n' +
          'Referencia: {{incidentNumber}}. Contacto para los medios: Oficial de Información Pública de la Ciudad de Clayton.',
      },
    },
    PRESS_CONFERENCE: {
      label: 'Aviso de conferencia de prensa',
      template: {
        title: 'Conferencia de prensa: {{incidentTitle}}',
        body:
          'La Ciudad de Clayton ofrecerá una conferencia de prensa sobre {{incidentTitle}} el [fecha] a las [hora] en ' +
          '[lugar]. Intervendrán: [nombres y cargos]. La conferencia de prensa también se transmitirá en [enlace].\n\n' +
          'Referencia: {{incidentNumber}}.',
      },
    },
    PUBLIC_UPDATE: {
      label: 'Actualización pública',
      template: {
        title: 'Actualización sobre {{incidentTitle}}',
        body:
          'Esta es una actualización sobre {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'Desde nuestra última actualización: [lo que ha ocurrido].\n\nPróximos pasos: [próximos pasos].\n\n' +
          'Volveremos a informar al público a más tardar el {{nextUpdateDate}}.',
      },
    },
    PRELIMINARY_REPORT: {
      label: 'Conclusiones preliminares',
      template: {
        title: 'Conclusiones preliminares: {{incidentTitle}}',
        body:
          'Estas son las conclusiones preliminares de la investigación sobre {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'Conclusiones hasta ahora: [conclusiones].\n\nLo que todavía se investiga: [preguntas pendientes].\n\n' +
          'El informe final debe publicarse a más tardar el {{finalReportDate}}.',
      },
    },
    FINAL_REPORT: {
      label: 'Informe final de la investigación',
      template: {
        title: 'Informe final: {{incidentTitle}}',
        body:
          'La investigación sobre {{incidentTitle}} ({{incidentNumber}}) ha concluido.\n\n' +
          'Conclusiones: [conclusiones].\n\nMedidas que tomará la Ciudad: [medidas, responsables y fechas].',
      },
    },
    AFTER_ACTION_REVIEW: {
      label: 'Revisión posterior al incidente',
      template: {
        title: 'Revisión posterior al incidente: {{incidentTitle}}',
        body:
          'La Ciudad ha revisado cómo se comunicó con el público sobre {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'Lo que funcionó bien: [puntos].\n\nLo que vamos a cambiar: [puntos].\n\n' +
          'La cronología completa se publica junto con esta revisión.',
      },
    },
  },
  holds: {
    categories: {
      PENDING_INVESTIGATION: { label: 'Investigación pendiente' },
      PERSONNEL_MATTER: { label: 'Asunto de personal' },
      JUVENILE_INVOLVED: { label: 'Hay menores involucrados' },
      LITIGATION: { label: 'Litigio' },
    },
  },
};

/**
 * clayton-2026.3: what changed from clayton-2026.2.
 * - Counsel's hold: the City Attorney may stop publication of a statement,
 *   of every statement of a kind, or of everything for an incident, for one
 *   of the categories below. It lapses after 14 days unless released; the
 *   Attorney, the City Manager and the Mayor are reminded 3 days and 1 day
 *   before, and the Mayor and the Board are told when it lapses. Clocks it
 *   stopped resume with the time that was left, and at least 4 hours.
 * - Withdrawal: the PIO, the City Manager or the City Attorney may withdraw a
 *   published statement with a public note.
 * - Calls: at severity 1, officials still silent 5 minutes after the email
 *   and text are called (press 1 to acknowledge), twice more 3 minutes apart,
 *   before their backup is called at 15 minutes.
 */
const policy2026_3 = {
  ...policy2026_2,
  version: 'clayton-2026.3',
  acknowledgement: {
    ...policyData.acknowledgement,
    calls: { severities: [1], firstAfter: '5m', attempts: 3, retryAfter: '3m' },
  },
  holds: {
    placeBy: ['CITY_ATTORNEY'],
    releaseBy: ['CITY_ATTORNEY'],
    categories: [
      { key: 'PENDING_INVESTIGATION', label: 'Pending investigation' },
      { key: 'PERSONNEL_MATTER', label: 'Personnel matter' },
      { key: 'JUVENILE_INVOLVED', label: 'Juvenile involved' },
      { key: 'LITIGATION', label: 'Litigation' },
    ],
    maxDuration: '14d',
    remindBefore: ['3d', '1d'],
    remind: ['CITY_ATTORNEY', 'CITY_MANAGER', 'MAYOR'],
    notify: ['CITY_ATTORNEY', 'CITY_MANAGER', 'PIO'],
    escalateAtLimit: ['CITY_ATTORNEY', 'CITY_MANAGER', 'MAYOR', 'ALDERMAN'],
    onRelease: { clock: 'RESUME', atLeast: '4h' },
  },
  withdrawal: {
    allowedRoles: ['PIO', 'CITY_MANAGER', 'CITY_ATTORNEY'],
    notify: ['PIO', 'CITY_MANAGER', 'MAYOR'],
  },
} satisfies PolicyInput;

/** Counsel's holds, withdrawal and calls: version 'clayton-2026.3'. Frozen once registered (policy/registry.ts). */
export const POLICY_2026_3: Policy = parsePolicy(policy2026_3, 'policy clayton-2026.3');

/**
 * clayton-2026.4: the plan is one "between the Clayton Police Department,
 * Clayton Mayor and Board of Aldermen, and the City Manager", so all four
 * parties hear of every incident. The Board of Aldermen (and the Mayor) are
 * recipients at every severity: by email and text at severities 1 and 2, by
 * email at severity 3. When a statement is published, the Mayor, the
 * aldermen, the City Manager and the Police Chief are told by email. The
 * plan's words are also in Spanish. Everything else (the approval chain,
 * counsel's holds, withdrawal, calls) is clayton-2026.3's.
 */
const policy2026_4 = {
  ...policy2026_3,
  version: 'clayton-2026.4',
  severities: [
    policyData.severities[0],
    {
      level: 2,
      label: 'Severity 2: serious',
      description:
        'Serious harm or strong public attention; the Mayor, the Board of Aldermen, the City Manager and the department heads are informed by email and text.',
      recipients: ['MAYOR', 'ALDERMAN', 'CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'CITY_ATTORNEY'],
    },
    {
      level: 3,
      label: 'Severity 3: significant',
      description:
        'A matter needing a coordinated response but with limited harm; the operational team is informed by email and text, the Mayor and the Board of Aldermen by email.',
      recipients: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN'],
      channels: { MAYOR: ['EMAIL'], ALDERMAN: ['EMAIL'] },
    },
  ],
  publication: { notify: ['MAYOR', 'ALDERMAN', 'CITY_MANAGER', 'POLICE_CHIEF'], channels: ['EMAIL'] },
  access: { ...policy2026_3.access, manageMediaList: ['PIO', 'DEPUTY_PIO', 'COMMUNICATIONS_OFFICER', 'CITY_MANAGER'] },
  translations: { es: SPANISH },
} satisfies PolicyInput;

/** clayton-2026.4 as adopted. Frozen once registered (policy/registry.ts). */
export const POLICY_2026_4: Policy = parsePolicy(policy2026_4, 'policy clayton-2026.4');

/**
 * clayton-2026.5: the residents' side of the plan (the Goal 3 court-user
 * survey, public comments with a promise to answer, the Goal 1 engagement
 * sessions). Who is told of an incident and how statements are approved are
 * clayton-2026.4's.
 */
/**
 * Goal 1: the report asks for engagement "on a regular basis"; this policy
 * reads that as quarterly, four sessions a plan year.
 */
const ENGAGEMENT_2026_5 = {
  sessionsPromisedPerYear: 4,
  cadence: 'quarterly',
  groups: [
    { key: 'RESIDENTS', label: 'Residents' },
    { key: 'BUSINESS_OWNERS', label: 'Business owners' },
    { key: 'POLICE_OFFICERS', label: 'Police officers' },
    { key: 'STUDENTS', label: 'Students' },
    { key: 'CIVIC_AND_FAITH_LEADERS', label: 'Civic and faith leaders' },
  ],
  remindBefore: ['7d', '1d'],
  scheduleBy: ['STAKEHOLDER_LEAD', 'CITY_MANAGER'],
} satisfies PolicyInput['engagement'];

const ENGAGEMENT_2026_5_SPANISH = {
  cadence: 'trimestral',
  groups: {
    RESIDENTS: { label: 'Residentes' },
    BUSINESS_OWNERS: { label: 'Dueños de negocios' },
    POLICE_OFFICERS: { label: 'Agentes de policía' },
    STUDENTS: { label: 'Estudiantes' },
    CIVIC_AND_FAITH_LEADERS: { label: 'Líderes cívicos y religiosos' },
  },
};

const policy2026_5 = {
  ...policy2026_4,
  version: 'clayton-2026.5',
  courtSurvey: COURT_SURVEY,
  engagement: ENGAGEMENT_2026_5,
  access: { ...policy2026_4.access, recordCourtContacts: ['COURT_CLERK', 'CITY_MANAGER'] },
  translations: { ...policy2026_4.translations, es: { ...SPANISH, courtSurvey: SPANISH_COURT_SURVEY, engagement: ENGAGEMENT_2026_5_SPANISH } },
  comments: {
    respondWithin: '10bd',
    holidayCalendar: 'US_FEDERAL',
    remindBefore: '2d',
    moderatorRoles: ['STAKEHOLDER_LEAD', 'CITY_MANAGER'],
    maxLength: 2000,
    perAddressPerHour: 5,
    challenge: { minSeconds: 3, maxSeconds: 3600 },
  },
} satisfies PolicyInput;

/** The plan new incidents start under: version 'clayton-2026.5'. Frozen once registered (policy/registry.ts). */
export const DEFAULT_POLICY: Policy = parsePolicy(policy2026_5, 'default policy');

