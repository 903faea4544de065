import MarkdownIt from 'markdown-it';

/** The only link targets a rendered statement or note may have. */
const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;

/** True for an http(s) or mailto URL; everything else (javascript:, data:, relative paths…) is refused. */
export function isSafeLink(url: string): boolean {
  return SAFE_LINK.test(url.trim());
}

/**
 * The one Markdown renderer of the app. Raw HTML is never passed through
 * (`html: false` escapes it), images are off (the page's policy would block
 * remote ones anyway, and a statement needs none), and links keep only
 * http(s) and mailto targets; an unsafe link is left as plain text.
 */
function createRenderer(): InstanceType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.disable('image');
  // Runs on the normalised URL of every link, autolink and linkified URL.
  md.validateLink = isSafeLink;
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    // Never leave the room page by accident, and give the target no handle on it.
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer nofollow');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

const renderer = createRenderer();

/** Markdown from any participant, as HTML that is safe to insert into the page. */
export function renderMarkdown(source: string): string {
  return renderer.render(source);
}
