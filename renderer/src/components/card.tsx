import { useEffect, useRef, type ReactNode } from 'react';

interface CardProps {
  title: string;
  children: ReactNode;
  /** A screen that uses a wide window (two columns from 900 px, styles/base.css); one column below. */
  wide?: boolean;
}

/**
 * One step of a flow: a titled card whose heading takes the focus when the step appears, so keyboard
 * and screen-reader users land at the start of what changed.
 */
export function Card({ title, children, wide = false }: CardProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [title]);
  return (
    <section className={wide ? 'card card-wide' : 'card'} aria-label={title}>
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}
