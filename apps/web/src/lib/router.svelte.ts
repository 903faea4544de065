import { matchRoute, type Route } from './routes.js';

/**
 * The page the address bar points at. Navigation inside the app uses the
 * History API; the fragment (which may carry a room token) is kept as is.
 */
class Router {
  pathname = $state(location.pathname);
  hash = $state(location.hash);
  route: Route = $derived(matchRoute(this.pathname));

  constructor() {
    const sync = () => {
      this.pathname = location.pathname;
      this.hash = location.hash;
    };
    addEventListener('popstate', sync);
    addEventListener('hashchange', sync);
  }

  /** Goes to an in-app href such as `/r/abc#token=…`. */
  navigate(href: string): void {
    const url = new URL(href, location.href);
    if (url.origin !== location.origin) {
      location.assign(url.href);
      return;
    }
    history.pushState(null, '', `${url.pathname}${url.search}${url.hash}`);
    this.pathname = url.pathname;
    this.hash = url.hash;
    scrollTo(0, 0);
  }
}

export const router = new Router();

/** Click handler for in-app links that still lets modified clicks open a new tab. */
export function followInApp(event: MouseEvent, href: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  router.navigate(href);
}
