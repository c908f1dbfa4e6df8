// SMS replies from item owners ("DONE", "50 met with ECDC"), handed to the
// signature-checked Twilio webhook as one of its inbound handlers.
import { recordProgressBySms, type PlanSmsDeps } from '../../services/planSms';
import type { InboundSmsHandler } from './twilioWebhooks';

export function planProgressSmsHandler(deps: PlanSmsDeps): InboundSmsHandler {
  return ({ body, person }) => recordProgressBySms(deps, body, person);
}
