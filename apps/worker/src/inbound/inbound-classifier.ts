import type { InboundClass } from '@outreach/db';
import type { InboundMessage } from './inbound-message.js';
import { extractReturnDate } from './return-date.js';

/** The classifier's verdict: the class, why, and what goes with it. */
export interface Classification {
  inboundClass: InboundClass;
  /** Short, human-readable: which header, pattern or DSN status decided. */
  reason: string;
  /** Out-of-office only: the return date found (YYYY-MM-DD), or null. */
  returnsOn: string | null;
  /**
   * What decided: a delivery report, an automatic-reply header, or words (subject or text) —
   * only a decision from words may be refined by an organisation's LLM prompt.
   */
  evidence: 'report' | 'headers' | 'words';
}

/**
 * Classifies an inbound message, in this order:
 * 1. a delivery status notification (RFC 3464 multipart/report, or a bounce recognised from its
 *    sender, subject or X-Failed-Recipients): 5.x.x → hard_bounce, 4.x.x or Action: delayed →
 *    soft_bounce (no status: failed → hard, otherwise soft);
 * 2. an automatic message by its headers (RFC 3834 Auto-Submitted other than `no`,
 *    X-Autoreply, X-Autorespond, Precedence auto_reply / bulk / junk, X-Auto-Response-Suppress)
 *    or, without headers, by its subject (French and English): out_of_office when the subject
 *    or text speaks of absence, otherwise auto_reply;
 * 3. an unsubscribe request in words in the visible reply ("désinscrire", "ne plus recevoir",
 *    "unsubscribe", "stop", …);
 * 4. otherwise a human reply.
 * `zone` resolves an out-of-office's return date (a date without a year, a weekday).
 */
export function classifyInbound(message: InboundMessage, zone = 'Europe/Paris'): Classification {
  const bounce = classifyBounce(message);
  if (bounce) return bounce;

  const header = autoHeader(message.headers);
  const subject = message.subject ?? '';
  const subjectAuto = AUTO_SUBJECT.find((pattern) => pattern.test(subject));
  const absence = OOO_SUBJECT.test(subject) || OOO_TEXT.test(message.text.slice(0, 5_000));
  if (header || subjectAuto || (absence && OOO_TEXT_STRONG.test(message.text.slice(0, 3_000)))) {
    const why =
      header ?? (subjectAuto ? `subject "${subject.slice(0, 80)}"` : 'absence notice in the text');
    const evidence = header ? 'headers' : 'words';
    if (absence) {
      const returnsOn = extractReturnDate(
        `${subject}\n${message.text}`,
        message.date ?? new Date(),
        zone,
      );
      return {
        inboundClass: 'out_of_office',
        reason: `out of office (${why})${returnsOn ? `, back on ${returnsOn}` : ', no return date found'}`,
        returnsOn,
        evidence,
      };
    }
    return {
      inboundClass: 'auto_reply',
      reason: `automatic reply (${why})`,
      returnsOn: null,
      evidence,
    };
  }

  const words = unsubscribeWords(message.replyText);
  if (words) {
    return {
      inboundClass: 'unsubscribe_request',
      reason: `unsubscribe request in words ("${words}")`,
      returnsOn: null,
      evidence: 'words',
    };
  }
  return {
    inboundClass: 'human_reply',
    reason: 'a person wrote back',
    returnsOn: null,
    evidence: 'words',
  };
}

function classifyBounce(message: InboundMessage): Classification | null {
  const report = message.delivery;
  if (!report) return null;
  const kind = report.structured ? 'delivery status notification' : 'bounce';
  const status = report.status;
  const action = report.action;
  if (
    status?.startsWith('2.') ||
    action === 'delivered' ||
    action === 'relayed' ||
    action === 'expanded'
  ) {
    // A success notice: nothing bounced, and nobody wrote; recorded as an automatic message.
    return {
      inboundClass: 'auto_reply',
      reason: `${kind}: ${action ?? 'delivered'} ${status ?? ''}`.trim(),
      returnsOn: null,
      evidence: 'report',
    };
  }
  const hard = status ? status.startsWith('5.') && action !== 'delayed' : action !== 'delayed';
  const cls = hard ? 'hard_bounce' : 'soft_bounce';
  const detail = [
    status ? `status ${status}` : 'no status code',
    action ? `action ${action}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    inboundClass: cls,
    reason: `${kind} (${detail})${report.recipient ? ` for ${report.recipient}` : ''}`,
    returnsOn: null,
    evidence: 'report',
  };
}

/** The header that marks an automatic message, described, or null. */
function autoHeader(headers: Map<string, string>): string | null {
  const submitted = headers.get('auto-submitted')?.toLowerCase();
  if (submitted && !submitted.startsWith('no')) return `Auto-Submitted: ${submitted}`;
  if (headers.has('x-autoreply')) return 'X-Autoreply';
  if (headers.has('x-autorespond')) return 'X-Autorespond';
  const precedence = headers.get('precedence')?.toLowerCase();
  if (precedence && /auto_reply|bulk|junk/.test(precedence)) return `Precedence: ${precedence}`;
  const suppress = headers.get('x-auto-response-suppress')?.toLowerCase();
  if (suppress && /all|oof|autoreply/.test(suppress))
    return `X-Auto-Response-Suppress: ${suppress}`;
  return null;
}

const AUTO_SUBJECT: RegExp[] = [
  /^\s*(?:r[ée]ponse automatique|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|auto:|accusé de réception)/iu,
  /(?:out of (?:the )?office|absence du bureau|absent du bureau|abwesenheitsnotiz|hors du bureau)/iu,
];

const OOO_SUBJECT =
  /(?:out of (?:the )?office|absence|absent|hors du bureau|en congés?|vacances|on (?:leave|holiday|vacation)|away from)/iu;
const OOO_TEXT =
  /(?:out of (?:the )?office|je suis (?:actuellement )?absente?|actuellement absente?|en congés?|en vacances|hors du bureau|de retour le|back (?:in the office )?on|returning (?:on )?|away from (?:the|my) (?:office|desk)|on (?:annual )?(?:leave|holiday|vacation)|limited access to (?:my )?e-?mail|accès limité à mes e-?mails)/iu;
/** Absence wording strong enough to call a message without headers or subject an out-of-office. */
const OOO_TEXT_STRONG =
  /^(?:\s*(?:bonjour|hello|hi)[^\n]*\n)?\s*(?:merci pour votre (?:message|e-?mail)[^\n]*\n?\s*)?(?:je suis (?:actuellement )?absente?|i am (?:currently )?(?:out of (?:the )?office|away|on (?:leave|holiday|vacation))|thank you for your (?:message|e-?mail)\.?\s*i am (?:currently )?(?:out|away))/iu;

const UNSUBSCRIBE: RegExp[] = [
  /d[ée]sinscri(?:re|vez|ption|s)/iu,
  /ne (?:plus|pas) (?:me )?(?:recevoir|contacter|écrire|ecrire)/iu,
  /(?:retirez|supprimez|enlevez)[- ]moi/iu,
  /\bunsubscribe\b/iu,
  /\bremove me\b/iu,
  /\b(?:take me off|opt(?:-| )?out)\b/iu,
  /\b(?:do not|don['’]t) (?:contact|email|e-mail|write to) me\b/iu,
  /\bstop (?:emailing|e-mailing|writing|contacting|sending)\b/iu,
  /\barr[êe]tez (?:de m['’](?:écrire|ecrire|envoyer|contacter)|vos (?:e-?mails|messages|envois))/iu,
];
/** "STOP" alone (the reply is little more than the word), as people answer SMS campaigns. */
const BARE_STOP = /^\W*stop\W*(?:merci|thanks?|thank you)?\W*$/iu;

function unsubscribeWords(reply: string): string | null {
  const text = reply.slice(0, 2_000);
  if (BARE_STOP.test(text.trim())) return text.trim().slice(0, 40);
  for (const pattern of UNSUBSCRIBE) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return null;
}
