// Acknowledgement calls, shared by the notification activity (which places a
// call) and the API (which answers its callbacks): the callback URLs and the
// TwiML. A call reads the message, asks for one key and sends it to our
// gather callback (signed by Twilio, checked with the twilio library's
// validateRequest). Built with the library's VoiceResponse so the markup is
// escaped and shaped as Twilio expects.
import twilio from 'twilio';

/** Twilio's limit for inline TwiML on Calls.create. */
export const MAX_INLINE_TWIML = 4_000;
/** How long a call rings before Twilio gives up on it (seconds). */
export const CALL_RING_SECONDS = 25;

export const voicePaths = {
  gather: '/webhooks/twilio/voice/gather',
  status: '/webhooks/twilio/voice/status',
} as const;

/** Where Twilio reports a call's progress; the row id lets a callback that outruns our own write find its row. */
export const voiceStatusCallbackUrl = (publicBaseUrl: string, notificationId: string): string =>
  `${publicBaseUrl.replace(/\/$/, '')}${voicePaths.status}?n=${encodeURIComponent(notificationId)}`;

export const voiceGatherUrl = (publicBaseUrl: string, notificationId: string): string =>
  `${publicBaseUrl.replace(/\/$/, '')}${voicePaths.gather}?n=${encodeURIComponent(notificationId)}`;

/**
 * The message, then "press 1", twice; if nothing is pressed the call says so
 * and ends (the workflow calls again as the policy says).
 */
export function acknowledgementCallTwiml(spoken: string, gatherUrl: string): string {
  const response = new twilio.twiml.VoiceResponse();
  const gather = response.gather({ numDigits: 1, action: gatherUrl, method: 'POST', timeout: 8, actionOnEmptyResult: false });
  gather.say({ voice: 'alice', language: 'en-US' }, spoken);
  gather.pause({ length: 1 });
  gather.say({ voice: 'alice', language: 'en-US' }, 'Again: to acknowledge this incident, press 1.');
  response.say({ voice: 'alice', language: 'en-US' }, 'We did not hear your answer. We will call again. Goodbye.');
  response.hangup();
  const twiml = response.toString();
  if (twiml.length > MAX_INLINE_TWIML) return acknowledgementCallTwiml(`${spoken.slice(0, 1_500)}…`, gatherUrl);
  return twiml;
}

/** What the call says after the key press (our answer to the gather callback). */
export function gatherAnswerTwiml(message: string, options: { askAgain?: { gatherUrl: string } } = {}): string {
  const response = new twilio.twiml.VoiceResponse();
  if (options.askAgain) {
    const gather = response.gather({ numDigits: 1, action: options.askAgain.gatherUrl, method: 'POST', timeout: 8 });
    gather.say({ voice: 'alice', language: 'en-US' }, message);
    response.say({ voice: 'alice', language: 'en-US' }, 'Goodbye.');
  } else {
    response.say({ voice: 'alice', language: 'en-US' }, message);
  }
  response.hangup();
  return response.toString();
}
