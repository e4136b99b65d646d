/** Two valid signing secrets: the one in use and the one rotated in. */
export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const NEXT_WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** A fixed clock for signing and verifying: 2026-11-23T10:00:00Z. */
export const NOW_MS = Date.UTC(2026, 10, 23, 10, 0, 0);
export const NOW_SECONDS = NOW_MS / 1000;

export const WEBHOOK_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
export const WEBHOOK_BODY = JSON.stringify({
  delivery_order: { ticket_id: 'T42353535', status: 'PACK_FINISH', mail_company: '顺丰' },
});
