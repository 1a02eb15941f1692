/** The unsubscribe pages (French first, then English): small, self-contained, no script. */

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.3rem}hr{border:0;border-top:1px solid #ddd;margin:2rem 0}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.3rem;border:1px solid #444;background:#fff;cursor:pointer}`;

/** Headers of every unsubscribe page: never cached, never indexed, nothing loaded from elsewhere. */
export const UNSUBSCRIBE_PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${title}</title><style>${STYLE}</style></head>
<body>
${body}
</body>
</html>
`;
}

/**
 * `GET /u/<token>`: asks for confirmation (a GET never unsubscribes: link scanners follow
 * links). The form posts to the same address, like the one-click POST of the mail client.
 */
export function confirmationPage(): string {
  return page(
    'Désinscription / Unsubscribe',
    `<form method="post">
<h1>Se désinscrire</h1>
<p>Vous ne recevrez plus de messages de cet expéditeur à cette adresse.</p>
<p><button type="submit" name="List-Unsubscribe" value="One-Click">Me désinscrire</button></p>
<hr lang="en">
<div lang="en">
<h1>Unsubscribe</h1>
<p>You will no longer receive messages from this sender at this address.</p>
<p><button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe me</button></p>
</div>
</form>`,
  );
}

/** `POST /u/<token>` answered 200: the same page whether the token was known or not. */
export function unsubscribedPage(): string {
  return page(
    'Désinscription confirmée / Unsubscribed',
    `<h1>Vous êtes désinscrit(e)</h1>
<p>Votre adresse ne recevra plus de messages de cet expéditeur.</p>
<hr>
<div lang="en">
<h1>You are unsubscribed</h1>
<p>Your address will no longer receive messages from this sender.</p>
</div>`,
  );
}

/** `POST /u/<token>` answered 500: the database did not store it; the client should retry. */
export function retryPage(): string {
  return page(
    'Réessayez / Please try again',
    `<h1>Désinscription impossible pour le moment</h1>
<p>Veuillez réessayer dans quelques minutes.</p>
<hr>
<div lang="en">
<h1>We could not unsubscribe you just now</h1>
<p>Please try again in a few minutes.</p>
</div>`,
  );
}
