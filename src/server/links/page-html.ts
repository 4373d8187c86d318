import { createHash } from 'node:crypto';

/**
 * The frame of every pay page: one inline stylesheet (allowed by its hash in the
 * Content-Security-Policy), no script, no font, no image, nothing from another origin, so the
 * page works offline and nothing can be injected. Every value put in the HTML goes through esc().
 */
const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:440px;margin:0 auto;padding:16px}
.panel{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:20px;margin-bottom:16px}
.merchant{margin:0;color:#4b5563;font-size:.95rem}
.merchant strong{color:#111827}
.amount{margin:4px 0 8px;font-size:2rem;line-height:1.2;font-weight:700;letter-spacing:-.01em}
.meta{margin:0;color:#4b5563;font-size:.9rem;word-break:break-word}
.label{margin:8px 0 0}
h2{font-size:1rem;margin:0 0 8px}
.note{margin:0 0 8px;color:#374151;font-size:.95rem}
table{width:100%;border-collapse:collapse;font-size:.95rem}
td{padding:6px 0;border-top:1px solid #e5e7eb}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.field{margin-bottom:14px}
label{display:block;font-weight:600;margin-bottom:4px}
input{width:100%;font:inherit;font-size:1.1rem;padding:12px;border:1px solid #9ca3af;border-radius:8px;background:#fff;color:inherit}
input:focus{outline:3px solid #93c5fd;border-color:#2563eb}
.invalid input{border-color:#b91c1c;background:#fef2f2}
.error{color:#b91c1c;margin:4px 0 0;font-size:.9rem}
.alert{border-radius:8px;padding:12px;margin:0 0 14px;background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
button,.button{display:block;width:100%;text-align:center;font:inherit;font-weight:700;font-size:1.1rem;padding:14px;border:0;border-radius:8px;background:#1d4ed8;color:#fff;text-decoration:none;cursor:pointer}
button:focus,.button:focus{outline:3px solid #93c5fd}
.button.secondary{background:#e5e7eb;color:#111827;margin-top:12px}
.ok{color:#047857}
.status{font-size:1.4rem;margin:0 0 8px}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:4px 12px;font-size:.95rem}
dt{color:#4b5563}
dd{margin:0;text-align:right;word-break:break-word}
dd.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
dl+h2,dl+.note{margin-top:16px}
footer{color:#6b7280;font-size:.8rem;text-align:center;padding:0 8px}
`.trim();

const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

/** The page's security headers: what it may load (its own stylesheet) and where its form may go (here). */
export const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${CSS_HASH}'`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function layout(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
