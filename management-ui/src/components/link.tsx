/**
 * <Link>: an anchor that navigates inside the dashboard without a page load (a middle or
 * modified click still opens a new tab, since href is the real URL).
 */
import type { ComponentChildren } from 'preact';
import { navigate } from '../state/router';

/** Props of Link. */
export interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
  'aria-current'?: 'page' | undefined;
}

/** An in-app link. */
export function Link(props: LinkProps) {
  return (
    <a
      {...props}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
